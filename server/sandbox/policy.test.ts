import { describe, expect, it } from 'vitest';
import { idleSessions, nextNodeName, planAcquire, planAddNode, poolShortfall } from './policy';

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
