/**
 * The page's message catalog: one typed dictionary per locale (en.ts is the source of the
 * keys, zh.ts is typed against it), how the first visit picks a locale, and how a coded
 * error is worded. Pure, so it is tested without a page; locale.svelte.ts holds the current one.
 */
import { ERRORS, LOCALES, ORIGINAL_LOCALE, type ErrorCode, type Locale } from '../protocol';
import { en, type Messages } from './en';
import { zh } from './zh';

export type { Messages };

export const CATALOGS: Readonly<Record<Locale, Messages>> = { en, zh };

/** A text to show later, worded in whatever language the page has by then. */
export type Localized = (t: Messages) => string;

/** Each language's name in itself, for the switch. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', zh: '中文' };

/** Where the learner's choice is kept; web/public/locale.js reads it too. */
export const LOCALE_STORAGE_KEY = 'slipway.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The browser's first language Slipway speaks (`zh-TW` and `zh-Hans-CN` are zh), else English. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const primary = language.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return ORIGINAL_LOCALE;
}

/** The learner's kept choice, or on a first visit the browser's languages' pick. */
export function initialLocale(stored: string | null | undefined, languages: readonly string[]): Locale {
  return isLocale(stored) ? stored : pickLocale(languages);
}

/**
 * An error or notice the server sent, worded by its code in the page's language. The server
 * sends the catalog's English, often with what happened this time in parentheses, which is
 * kept; words of its own (already in the page's language) are shown as they are.
 */
export function errorText(t: Messages, code: ErrorCode, said?: string): string {
  const original = ERRORS[code].message;
  if (!said || said === original || said === t.errors[code]) return t.errors[code];
  if (said.startsWith(`${original} (`) && said.endsWith(')')) {
    return t.notices.withDetail(t.errors[code], said.slice(original.length + 2, -1));
  }
  return said;
}

/** `errorText`, worded when shown: an error kept in state follows a switch of language. */
export const localizedError =
  (code: ErrorCode, said?: string): Localized =>
  (t) =>
    errorText(t, code, said);
