/**
 * The languages Slipway speaks. The page picks one (the browser's language on a first visit,
 * then the learner's choice) and sends it with each `lesson-select`; the server words check
 * titles, reasons and its notices in it, and serves lessons in it where a translation exists.
 */
import { z } from 'zod';

export const LOCALES = ['en', 'zh'] as const;
export const Locale = z.enum(LOCALES);
export type Locale = z.infer<typeof Locale>;

/** The language lessons are written in; translations sit beside them (NN-slug.zh.md). */
export const ORIGINAL_LOCALE: Locale = 'en';
