import { describe, expect, it } from 'vitest';
import {
  LIFETIME_WARNING_MS,
  adoptedStart,
  idleSessions,
  lifetimeDecisions,
  lifetimeEnd,
  lifetimeWarningMs,
  nextNodeName,
  nextReservation,
  planAcquire,
  planAddNode,
  poolShortfall,
  reclaimShortfall,
  reclaimable,
  tradesForReserved,
  unclaimedToDrop,
} from './policy';

describe('planAcquire', () => {
  it('prefers a warm sandbox from the pool, even at the maximum', () => {
    expect(planAcquire(1, { total: 10, max: 10 })).toBe('pool');
  });
  it('starts a cold sandbox while there is room', () => {
    expect(planAcquire(0, { total: 3, max: 10 })).toBe('create');
  });
  it('says full at the maximum with an empty pool', () => {
    expect(planAcquire(0, { total: 10, max: 10 })).toBe('full');
  });
});

describe('poolShortfall', () => {
  it('fills the pool up to its size', () => {
    expect(poolShortfall(2, 0, { total: 0, max: 10 })).toBe(2);
    expect(poolShortfall(2, 1, { total: 5, max: 10 })).toBe(1);
  });
  it('never starts past the maximum number of sandboxes', () => {
    expect(poolShortfall(2, 0, { total: 9, max: 10 })).toBe(1);
    expect(poolShortfall(2, 0, { total: 10, max: 10 })).toBe(0);
  });
  it('starts nothing when the pool is disabled or full', () => {
    expect(poolShortfall(0, 0, { total: 0, max: 10 })).toBe(0);
    expect(poolShortfall(2, 3, { total: 3, max: 10 })).toBe(0);
  });
});

describe('idleSessions', () => {
  const hour = 3_600_000;
  const now = 10 * hour;
  it('reaps sessions without viewers past the timeout only', () => {
    const sessions = [
      { key: 'watched', viewers: 1, lastActive: 0 },
      { key: 'recent', viewers: 0, lastActive: now - hour },
      { key: 'idle', viewers: 0, lastActive: now - 3 * hour },
    ];
    expect(idleSessions(sessions, now, 2 * hour)).toEqual(['idle']);
  });
  it('keeps a session exactly at the timeout', () => {
    expect(idleSessions([{ key: 'edge', viewers: 0, lastActive: now - 2 * hour }], now, 2 * hour)).toEqual([]);
  });
});

describe('planAddNode', () => {
  it('adds while the session and Slipway have room', () => {
    expect(planAddNode(1, 5, { total: 3, max: 10 })).toBe('add');
  });
  it('refuses past the per-session maximum before looking at capacity', () => {
    expect(planAddNode(5, 5, { total: 10, max: 10 })).toBe('node-limit');
  });
  it('says full when every sandbox is in use', () => {
    expect(planAddNode(2, 5, { total: 10, max: 10 })).toBe('full');
  });
});

describe('nextNodeName', () => {
  it('fills the lowest gap', () => {
    expect(nextNodeName(['node1', 'node3'], 5)).toBe('node2');
    expect(nextNodeName(['node1', 'node2'], 5)).toBe('node3');
  });
  it('is null at the maximum', () => {
    expect(nextNodeName(['node1', 'node2'], 2)).toBeNull();
  });
});

describe('admission while memory is short', () => {
  const short = { total: 3, max: 10, memoryAvailable: false };
  it('starts no new sandbox, node or pool sandbox, but still hands out a ready one', () => {
    expect(planAcquire(0, short)).toBe('full');
    expect(planAcquire(1, short)).toBe('pool');
    expect(planAddNode(1, 5, short)).toBe('full');
    expect(poolShortfall(2, 0, short)).toBe(0);
  });
});

describe('lifetimeDecisions', () => {
  const hour = 3_600_000;
  const lifetime = 8 * hour;
  const now = 100 * hour;
  it('ends sessions at the lifetime, watched or not, and warns those within five minutes of it once', () => {
    const sessions = [
      { key: 'young', startedAt: now - hour, extendedMs: 0, warned: false },
      { key: 'soon', startedAt: now - lifetime + LIFETIME_WARNING_MS, extendedMs: 0, warned: false },
      { key: 'told', startedAt: now - lifetime + 60_000, extendedMs: 0, warned: true },
      { key: 'over', startedAt: now - lifetime, extendedMs: 0, warned: true },
      { key: 'never-told', startedAt: now - lifetime - 1, extendedMs: 0, warned: false },
    ];
    expect(lifetimeDecisions(sessions, now, lifetime)).toEqual({ ended: ['over', 'never-told'], warn: ['soon'] });
  });
  it('warns half-way through a lifetime shorter than ten minutes', () => {
    expect(lifetimeWarningMs(8 * hour)).toBe(LIFETIME_WARNING_MS);
    expect(lifetimeWarningMs(60_000)).toBe(30_000);
    expect(lifetimeDecisions([{ key: 'short', startedAt: now - 30_000, extendedMs: 0, warned: false }], now, 60_000).warn).toEqual(['short']);
  });
  it('moves the end, and the warning, by what a trainer added', () => {
    const startedAt = now - lifetime;
    const extended = { key: 'extended', startedAt, extendedMs: 15 * 60_000, warned: false };
    expect(lifetimeEnd(extended, lifetime)).toBe(now + 15 * 60_000);
    expect(lifetimeDecisions([extended], now, lifetime)).toEqual({ ended: [], warn: [] });
    expect(lifetimeDecisions([extended], now + 10 * 60_000, lifetime)).toEqual({ ended: [], warn: ['extended'] });
    expect(lifetimeDecisions([extended], now + 15 * 60_000, lifetime)).toEqual({ ended: ['extended'], warn: [] });
  });
});

describe('adoptedStart', () => {
  const hour = 3_600_000;
  const now = 100 * hour;
  it('counts an adopted session from its node1’s creation', () => {
    expect(adoptedStart(now - hour, now, 8 * hour)).toBe(now - hour);
  });
  it('leaves an adopted session older than the lifetime the warning’s time, so its page is told first', () => {
    const start = adoptedStart(now - 20 * hour, now, 8 * hour);
    expect(lifetimeDecisions([{ key: 'adopted', startedAt: start, extendedMs: 0, warned: false }], now, 8 * hour)).toEqual({ ended: [], warn: ['adopted'] });
    expect(start + 8 * hour - now).toBe(LIFETIME_WARNING_MS);
  });
});

describe('reclaimShortfall', () => {
  it('frees nothing below 80 % of the maximum', () => {
    expect(reclaimShortfall({ total: 7, max: 10 })).toBe(0);
    expect(reclaimShortfall({ total: 0, max: 10 })).toBe(0);
  });
  it('frees what brings Slipway back below 80 %', () => {
    expect(reclaimShortfall({ total: 8, max: 10 })).toBe(1);
    expect(reclaimShortfall({ total: 10, max: 10 })).toBe(3);
    expect(reclaimShortfall({ total: 1, max: 1 })).toBe(1);
  });
  it('frees at least one while memory is short, whatever the count', () => {
    expect(reclaimShortfall({ total: 2, max: 10, memoryAvailable: false })).toBe(1);
    expect(reclaimShortfall({ total: 10, max: 10, memoryAvailable: false })).toBe(3);
  });
});

describe('reclaimable', () => {
  const minute = 60_000;
  const now = 1000 * minute;
  const grace = 10 * minute;
  const sessions = [
    { key: 'watched', viewers: 1, lastActive: now - 500 * minute, nodes: 1 },
    { key: 'just-left', viewers: 0, lastActive: now - 5 * minute, nodes: 1 },
    { key: 'left-an-hour-ago', viewers: 0, lastActive: now - 60 * minute, nodes: 3 },
    { key: 'left-yesterday', viewers: 0, lastActive: now - 900 * minute, nodes: 1 },
    { key: 'left-at-grace', viewers: 0, lastActive: now - grace, nodes: 1 },
  ];
  it('takes only closed pages past the grace, the oldest detachment first', () => {
    expect(reclaimable(sessions, now, grace, 1)).toEqual(['left-yesterday']);
    expect(reclaimable(sessions, now, grace, 2)).toEqual(['left-yesterday', 'left-an-hour-ago']);
  });
  it('counts every node a session frees, and stops once enough are', () => {
    expect(reclaimable(sessions, now, grace, 4)).toEqual(['left-yesterday', 'left-an-hour-ago']);
  });
  it('never takes a watched session, or one within the grace, however many are wanted', () => {
    expect(reclaimable(sessions, now, grace, 100)).toEqual(['left-yesterday', 'left-an-hour-ago']);
  });
  it('takes nothing when nothing is wanted', () => {
    expect(reclaimable(sessions, now, grace, 0)).toEqual([]);
  });
});

describe('nextReservation', () => {
  const need = (tag: string, sessions: number, held: number, nodes = 3) => ({ tag, sessions, held, nodes });
  it('picks the first reservation short of its sessions', () => {
    expect(nextReservation([need('full', 2, 2), need('short', 2, 1)], { total: 0, max: 10 })).toBe('short');
    expect(nextReservation([need('full', 2, 2), need('none', 0, 0)], { total: 0, max: 10 })).toBeNull();
  });
  it('starts a whole session only while it stays below 80 % of the maximum', () => {
    // 80 % of 10 is 8: 4 + 3 = 7 fits, 5 + 3 = 8 would make closed pages reclaimed.
    expect(nextReservation([need('w', 5, 0)], { total: 4, max: 10 })).toBe('w');
    expect(nextReservation([need('w', 5, 0)], { total: 5, max: 10 })).toBeNull();
    // A smaller session of another reservation may still fit.
    expect(nextReservation([need('big', 5, 0), need('small', 1, 0, 1)], { total: 5, max: 10 })).toBe('small');
  });
  it('starts nothing while memory is short', () => {
    expect(nextReservation([need('w', 5, 0)], { total: 0, max: 10, memoryAvailable: false })).toBeNull();
  });
});

describe('unclaimedToDrop', () => {
  const sessions = [
    { id: 'a', nodes: 2 },
    { id: 'b', nodes: 1 },
    { id: 'c', nodes: 3 },
  ];
  it('drops sessions until enough sandboxes are free', () => {
    expect(unclaimedToDrop(sessions, 1)).toEqual(['a']);
    expect(unclaimedToDrop(sessions, 3)).toEqual(['a', 'b']);
    expect(unclaimedToDrop(sessions, 10)).toEqual(['a', 'b', 'c']);
  });
  it('drops nothing when nothing is wanted', () => {
    expect(unclaimedToDrop(sessions, 0)).toEqual([]);
  });
});

describe('tradesForReserved', () => {
  it('trades an untouched node1 for a ready pre-started session', () => {
    expect(tradesForReserved({ nodes: 1, commands: 0 }, 1)).toBe(true);
  });
  it('keeps a session that ran a command or has more nodes, and keeps it when none is ready', () => {
    expect(tradesForReserved({ nodes: 1, commands: 1 }, 1)).toBe(false);
    expect(tradesForReserved({ nodes: 2, commands: 0 }, 1)).toBe(false);
    expect(tradesForReserved({ nodes: 1, commands: 0 }, 0)).toBe(false);
    expect(tradesForReserved(null, 1)).toBe(false);
  });
});
