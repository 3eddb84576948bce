import { describe, expect, test } from 'vitest';
import { sessionEndingMessage, withNotice, type Notice } from './notices';

const notice = (id: number, code: Notice['code'], tone: Notice['tone']): Notice => ({ id, code, message: `m${id}`, tone });

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

describe('sessionEndingMessage', () => {
  test('says in how many minutes, and that progress is kept', () => {
    expect(sessionEndingMessage(300_000)).toMatch(/^Your sandbox will be removed in about 5 minutes:.*progress is kept/);
    expect(sessionEndingMessage(61_000)).toContain('in about 2 minutes');
    expect(sessionEndingMessage(60_000)).toContain('in about 1 minute:');
    expect(sessionEndingMessage(59_000)).toContain('in less than a minute');
  });
});
