import { describe, expect, it } from 'vitest';
import { ClientLimits } from './client-limits';

const limits = () => new ClientLimits({ maxSockets: 2, sessionsPerMinute: 3, actionsPerMinute: 2, joinsPerMinute: 2 });

describe('ClientLimits', () => {
  it('holds each address to its open sockets, others unaffected', () => {
    const l = limits();
    expect(l.admitSocket('a', 0)).toBeNull();
    expect(l.admitSocket('a', 1)).toBeNull();
    expect(l.admitSocket('a', 2)).toBe('TOO_MANY_SESSIONS');
    expect(l.admitSocket('b', 3)).toBeNull();
    l.socketClosed('a');
    expect(l.admitSocket('a', 4)).toBeNull();
  });
  it('limits new sessions per minute, then lets them again', () => {
    const l = limits();
    for (let i = 0; i < 3; i += 1) {
      expect(l.admitSocket('a', i)).toBeNull();
      l.socketClosed('a');
    }
    expect(l.admitSocket('a', 10)).toBe('RATE_LIMITED');
    expect(l.admitSocket('a', 60_001)).toBeNull();
  });
  it('limits resets and node additions per minute', () => {
    const l = limits();
    expect(l.allowAction('a', 0)).toBe(true);
    expect(l.allowAction('a', 1)).toBe(true);
    expect(l.allowAction('a', 2)).toBe(false);
    expect(l.allowAction('b', 2)).toBe(true);
    expect(l.allowAction('a', 60_001)).toBe(true);
  });
});

describe('ClientLimits for join codes', () => {
  it('holds each address to its join attempts per minute, so a code is not guessed', () => {
    const l = limits();
    expect(l.allowJoin('a', 0)).toBe(true);
    expect(l.allowJoin('a', 1)).toBe(true);
    expect(l.allowJoin('a', 2)).toBe(false);
    expect(l.allowJoin('b', 3)).toBe(true);
    expect(l.allowJoin('a', 60_001)).toBe(true);
  });
});
