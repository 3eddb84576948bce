import { describe, expect, test } from 'vitest';
import { en } from './i18n/en';
import { zh } from './i18n/zh';
import { sessionEnding, withNotice, type Notice } from './notices';

const notice = (id: number, code: Notice['code'], tone: Notice['tone']): Notice => ({ id, code, text: () => `m${id}`, tone });

describe('withNotice', () => {
  test('adds errors, even several of one code', () => {
    const list = withNotice([notice(1, 'RATE_LIMITED', 'error')], notice(2, 'RATE_LIMITED', 'error'));
    expect(list.map((one) => one.id)).toEqual([1, 2]);
  });

  test('news replaces an earlier notice of its code, and keeps the rest', () => {
    const list = [notice(1, 'SESSION_LIFETIME_ENDED', 'info'), notice(2, 'RATE_LIMITED', 'error')];
    expect(withNotice(list, notice(3, 'SESSION_LIFETIME_ENDED', 'info')).map((one) => one.id)).toEqual([2, 3]);
  });
});

describe('sessionEnding', () => {
  test('says in how many minutes, and that progress is kept', () => {
    expect(sessionEnding(300_000)(en)).toMatch(/^Your sandbox will be removed in about 5 minutes:.*progress is kept/);
    expect(sessionEnding(61_000)(en)).toContain('in about 2 minutes');
    expect(sessionEnding(60_000)(en)).toContain('in about 1 minute:');
    expect(sessionEnding(59_000)(en)).toContain('in less than a minute');
  });

  test('is worded again in the language of the moment', () => {
    expect(sessionEnding(300_000)(zh)).toContain('大约 5 分钟后');
    expect(sessionEnding(59_000)(zh)).toContain('一分钟内');
  });
});
