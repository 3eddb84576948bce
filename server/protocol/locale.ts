/**
 * The languages Slipway speaks. The page picks one (the browser's language on a first visit,
 * then the learner's choice) and sends it after each `welcome` and on every switch (`locale`),
 * and with each `lesson-select`; the server words what it writes for the learner in it (check
 * titles and reasons, start states, explorer texts, progress: server/common/i18n.ts), and
 * serves lessons in it where a translation exists. Coded errors the page words from their code.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';

export const LOCALES = ['en', 'zh'] as const;
export const Locale = lazySchema(() => z.enum(LOCALES));
export type Locale = z.infer<typeof Locale>;

/** The BCP 47 tag for `<html lang>` (simplified Chinese as spoken in mainland China). */
export function langTag(locale: string): string {
  return locale === 'zh' ? 'zh-CN' : locale;
}

/** The language lessons are written in; translations sit beside them (NN-slug.zh.md). */
export const ORIGINAL_LOCALE: Locale = 'en';

/** A text in every language, for a page that picks one itself (the trainer's lesson and step titles). */
export const LocalizedText = lazySchema(() => z.record(Locale, z.string()));
export type LocalizedText = z.infer<typeof LocalizedText>;

/** The cookie that tells pages the server writes itself (port previews) the learner's choice. */
export const LOCALE_COOKIE = 'slipway_locale';
