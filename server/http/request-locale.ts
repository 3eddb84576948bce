/**
 * The language of a page the server writes itself (a port preview's): the learner's choice,
 * which the page keeps in the `slipway_locale` cookie, else the browser's first language
 * Slipway speaks (Accept-Language), else English. Anything else in either header is ignored.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parse } from 'cookie';
import { LOCALE_COOKIE, Locale, ORIGINAL_LOCALE } from '../protocol/locale';

export function requestLocale(headers: IncomingHttpHeaders): Locale {
  const chosen = Locale.safeParse(parse(headers.cookie ?? '')[LOCALE_COOKIE]);
  if (chosen.success) return chosen.data;
  for (const range of (headers['accept-language'] ?? '').split(',')) {
    const language = range.split(';')[0]!.trim().toLowerCase().split('-')[0];
    const spoken = Locale.safeParse(language);
    if (spoken.success) return spoken.data;
  }
  return ORIGINAL_LOCALE;
}
