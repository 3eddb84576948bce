import { describe, expect, test } from 'vitest';
import { en } from './i18n/en';
import { zh } from './i18n/zh';
import { sessionEnding, sessionExtended, withNotice, type Notice } from './notices';

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

describe('sessionExtended', () => {
  const endsAt = new Date(2026, 11, 3, 9, 5).getTime();

  test('replaces the warning of the end, so that it no longer stands', () => {
    const warned = withNotice([notice(1, 'RATE_LIMITED', 'error')], { id: 2, code: 'SESSION_LIFETIME_ENDED', text: sessionEnding(60_000), tone: 'info' });
    const extended = withNotice(warned, { id: 3, code: 'SESSION_LIFETIME_ENDED', text: sessionExtended(endsAt), tone: 'info' });
    expect(extended.map((one) => one.id)).toEqual([1, 3]);
  });

  test('says until when, on the learner’s clock, in either language', () => {
    expect(sessionExtended(endsAt)(en)).toBe('Your trainer gave your sandbox more time: it now lasts until 09:05.');
    expect(sessionExtended(endsAt)(zh)).toContain('09:05');
  });
});
