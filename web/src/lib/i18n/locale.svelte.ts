/**
 * The page's language, owned here and nowhere else: the current locale and its catalog (runes
 * state, so every text read from `i18n.t` relabels at once on a switch), `<html lang>`, and the
 * learner's choice kept in localStorage, and in a cookie for the pages the server writes itself
 * (a port preview's). A first visit follows the browser's languages and keeps nothing until the
 * learner chooses.
 */
import { langTag, LOCALE_COOKIE, type Locale } from '../protocol';
import { CATALOGS, initialLocale, LOCALE_STORAGE_KEY, type Messages } from './catalog';

class I18n {
  locale = $state<Locale>(initialLocale(stored(), navigator.languages ?? [navigator.language]));
  readonly t: Messages = $derived(CATALOGS[this.locale]);
  /** The tag for `lang` attributes and `toLocale…String` (zh-CN for zh). */
  readonly tag = $derived(langTag(this.locale));

  constructor() {
    document.documentElement.lang = this.tag;
  }

  /** The learner's choice: relabels the page and is kept for their next visit. */
  set(locale: Locale): void {
    this.locale = locale;
    document.documentElement.lang = this.tag;
    document.cookie = `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Strict`;
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, locale);
    } catch {
      // Storage refused (a private window's quota): the choice lasts as long as the page.
    }
  }
}

function stored(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export const i18n = new I18n();
