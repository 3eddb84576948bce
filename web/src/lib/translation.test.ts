import { describe, expect, it } from 'vitest';
import { summaryLocale, translationMark } from './translation';

describe('translation marks', () => {
  it('mark nothing on an English page, whatever the lesson', () => {
    expect(translationMark('en', 'en')).toBeUndefined();
    expect(translationMark('en', 'en', true)).toBeUndefined();
  });

  it('mark a lesson shown in English on a Chinese page as not translated', () => {
    expect(translationMark('zh', 'en')).toBe('untranslated');
    expect(translationMark('zh', summaryLocale('zh', ['en']))).toBe('untranslated');
  });

  it('mark an outdated translation, and a current one not at all', () => {
    expect(translationMark('zh', 'zh', true)).toBe('outdated');
    expect(translationMark('zh', summaryLocale('zh', ['en', 'zh']))).toBeUndefined();
  });
});
