import { describe, expect, it } from 'vitest';
import script from '../../../public/locale.js?raw';
import { ERRORS, LOCALES, type ErrorCode } from '../protocol';
import { langTag } from '../protocol';
import { CATALOGS, errorText, initialLocale, LOCALE_NAMES, localizedError, pickLocale } from './catalog';
import { en } from './en';
import { zh } from './zh';

type Entry = [path: string, value: string | ((...args: unknown[]) => string)];

/** Every text of a catalog by its dotted path. */
function entries(catalog: object, prefix = ''): Entry[] {
  return Object.entries(catalog).flatMap(([key, value]): Entry[] => {
    const path = `${prefix}${key}`;
    if (typeof value === 'string' || typeof value === 'function') return [[path, value as Entry[1]]];
    return entries(value as object, `${path}.`);
  });
}

/** A text, with parameters that can be found again in it when it has any. */
const sample = (value: Entry[1]): { text: string; args: string[] } => {
  if (typeof value === 'string') return { text: value, args: [] };
  const args = Array.from({ length: value.length }, (_, index) => String(7001 + index));
  return { text: value(...args.map(Number)), args };
};

describe('the message catalog', () => {
  const english = new Map(entries(en));

  it.each(LOCALES)('%s has exactly the keys of the English', (locale) => {
    expect(entries(CATALOGS[locale]).map(([path]) => path)).toEqual([...english.keys()]);
  });

  it.each(LOCALES)('%s has no empty text, and each text shows every parameter it takes', (locale) => {
    for (const [path, value] of entries(CATALOGS[locale])) {
      const { text, args } = sample(value);
      expect(text.trim(), path).not.toBe('');
      for (const arg of args) expect(text, `${path} leaves out a parameter`).toContain(arg);
      const original = english.get(path)!;
      expect(typeof value, path).toBe(typeof original);
      if (typeof value === 'function' && typeof original === 'function') expect(value.length, `${path} parameters`).toBe(original.length);
    }
  });

  it('words every error code in Chinese, and in English as the error catalog does', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      expect(en.errors[code]).toBe(ERRORS[code].message);
      expect(zh.errors[code], code).toMatch(/\p{Script=Han}/u);
    }
    expect(Object.keys(zh.errors).sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it('translates every text, but for the few that read the same in Chinese', () => {
    const same = entries(zh)
      .filter(([path, value]) => sample(value).text === sample(english.get(path)!).text)
      .map(([path]) => path);
    expect(same.sort()).toEqual(['explorer.columns.id', 'explorer.fallbackTitle', 'lessons.httpError', 'lessons.item', 'modules.podman']);
  });

  it('names each language in itself', () => {
    expect(LOCALE_NAMES).toEqual({ en: 'English', zh: '中文' });
    expect(langTag('zh')).toBe('zh-CN');
    expect(langTag('en')).toBe('en');
  });
});

describe('the first visit’s language', () => {
  it.each([
    [['zh-CN'], 'zh'],
    [['zh'], 'zh'],
    [['zh-TW', 'en'], 'zh'],
    [['ZH-hk'], 'zh'],
    [['zh-Hans-CN'], 'zh'],
    [['fr-FR', 'zh-CN', 'en'], 'zh'],
    [['en-GB', 'zh-CN'], 'en'],
    [['de-DE', 'fr'], 'en'],
    [[], 'en'],
  ] as const)('%j picks %s', (languages, locale) => {
    expect(pickLocale(languages)).toBe(locale);
  });

  it('is the kept choice once the learner made one', () => {
    expect(initialLocale('en', ['zh-CN'])).toBe('en');
    expect(initialLocale('zh', ['en-US'])).toBe('zh');
    expect(initialLocale('klingon', ['zh-CN'])).toBe('zh');
    expect(initialLocale(null, ['en-US'])).toBe('en');
  });

  it('is set on <html lang> before paint by web/public/locale.js, as the app decides it', () => {
    const run = new Function('localStorage', 'navigator', 'document', script);
    const cases: Array<[string | null, string[]]> = [
      [null, ['zh-TW', 'en']],
      [null, ['en-US', 'zh-CN']],
      [null, ['fr', 'ZH']],
      [null, []],
      ['en', ['zh-CN']],
      ['zh', ['en']],
      ['xx', ['zh-CN']],
    ];
    for (const [stored, languages] of cases) {
      const document = { documentElement: { lang: '' } };
      run({ getItem: () => stored }, { languages }, document);
      expect(document.documentElement.lang, `${stored} ${languages.join(',')}`).toBe(langTag(initialLocale(stored, languages)));
    }
    const refusing = { documentElement: { lang: '' } };
    run({ getItem: () => { throw new Error('denied'); } }, { languages: ['zh-CN'] }, refusing);
    expect(refusing.documentElement.lang).toBe('zh-CN');
  });
});

describe('errorText', () => {
  const { message } = ERRORS.LESSON_NOT_FOUND;

  it('words a code in the page’s language', () => {
    expect(errorText(zh, 'LESSON_NOT_FOUND', message)).toBe(zh.errors.LESSON_NOT_FOUND);
    expect(errorText(en, 'LESSON_NOT_FOUND')).toBe(message);
  });

  it('keeps what the server added this time', () => {
    expect(errorText(zh, 'LESSON_NOT_FOUND', `${message} (intro/nope)`)).toBe(`${zh.errors.LESSON_NOT_FOUND}（intro/nope）`);
    expect(errorText(en, 'NODE_LIMIT_REACHED', `${ERRORS.NODE_LIMIT_REACHED.message} (at most 5)`)).toBe(
      `${ERRORS.NODE_LIMIT_REACHED.message} (at most 5)`,
    );
  });

  it('is worded again when shown, in the language of the moment', () => {
    const text = localizedError('SANDBOX_RECLAIMED', ERRORS.SANDBOX_RECLAIMED.message);
    expect(text(en)).toContain('because Slipway was full');
    expect(text(zh)).toBe(zh.errors.SANDBOX_RECLAIMED);
  });

  it('shows words of the server’s own as they are', () => {
    expect(errorText(zh, 'RATE_LIMITED', '请求太多')).toBe('请求太多');
  });
});
