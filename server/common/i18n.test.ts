import { describe, expect, it } from 'vitest';
import { LOCALES } from '../protocol/locale';
import { MESSAGES, joinList, placeholdersOf, translator, type MessageKey } from './i18n';

const keys = Object.keys(MESSAGES.en) as MessageKey[];

describe('the message catalog', () => {
  it('has every key in every locale, and nothing else', () => {
    for (const locale of LOCALES) expect(Object.keys(MESSAGES[locale]).sort(), locale).toEqual([...keys].sort());
  });

  it('uses the same placeholders in every locale', () => {
    for (const locale of LOCALES) {
      const differing = keys.filter((key) => placeholdersOf(MESSAGES[locale][key]).join() !== placeholdersOf(MESSAGES.en[key]).join());
      expect(differing, locale).toEqual([]);
    }
  });

  it('leaves no message empty, and keeps every Chinese one apart from its English (but for what is only code and names)', () => {
    for (const locale of LOCALES) expect(keys.filter((key) => MESSAGES[locale][key].trim() === ''), locale).toEqual([]);
    // What may read alike in both: placeholders and punctuation alone, or a term Chinese keeps.
    const alike = keys.filter((key) => MESSAGES.zh[key] === MESSAGES.en[key]);
    expect(alike.sort()).toEqual(['change.entry', 'details.id', 'object']);
  });
});

describe('translator', () => {
  it('fills placeholders in the locale asked for', () => {
    expect(translator('en')('start.notRunning', { node: 'node2' })).toBe('node2 is not running');
    expect(translator('zh')('start.notRunning', { node: 'node2' })).toBe('node2 没有运行');
    expect(translator('zh')('service.replicasMany', { count: 2, wanted: 3 })).toBe('有 2 个正在运行的副本，而不是 3 个');
  });

  it('joins lists as each language does', () => {
    expect(joinList(translator('en'), ['a', 'b'])).toBe('a, b');
    expect(joinList(translator('zh'), ['a', 'b'])).toBe('a、b');
    expect(joinList(translator('zh'), [])).toBe('无');
  });
});
