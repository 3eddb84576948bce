/**
 * Whether a lesson's text is in the page's language: shown in the English original because no
 * translation exists yet, or translated from an older version of the English (lesson.outdated).
 * Pure; the catalog and the lesson view mark what it says.
 */
import { ORIGINAL_LOCALE, type Locale } from './protocol';

export type TranslationMark = 'untranslated' | 'outdated';

/** `shownIn`: the language the lesson's text came in (the server's original when it has no translation). */
export function translationMark(page: Locale, shownIn: string, outdated = false): TranslationMark | undefined {
  if (page === ORIGINAL_LOCALE) return undefined;
  if (shownIn !== page) return 'untranslated';
  return outdated ? 'outdated' : undefined;
}

/** The language a catalog entry's title and summary came in: the page's, where the lesson has a translation into it. */
export function summaryLocale(page: Locale, available: readonly string[]): string {
  return available.includes(page) ? page : ORIGINAL_LOCALE;
}
