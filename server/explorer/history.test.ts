import { describe, expect, it } from 'vitest';
import type { EngineSnapshot } from '../engine-state/snapshot';
import { SnapshotHistory } from './history';

const snapshot = (name: string): EngineSnapshot => ({
  containers: [],
  images: [],
  networks: [{ id: name, name, driver: 'bridge', containers: [] }],
  volumes: [],
  swarm: { active: false, manager: false, nodes: [], services: [] },
});

describe('SnapshotHistory', () => {
  it('gives the newest snapshot settled at or before a time', () => {
    const history = new SnapshotHistory();
    const [a, b, c] = [snapshot('a'), snapshot('b'), snapshot('c')];
    history.record(100, a);
    history.record(200, b);
    history.record(300, c);
    expect(history.before(250)).toBe(b);
    expect(history.before(200)).toBe(b);
    expect(history.before(1000)).toBe(c);
  });

  it('falls back to the oldest kept snapshot, and to nothing when empty', () => {
    const history = new SnapshotHistory(2);
    expect(history.before(10)).toBeUndefined();
    const [a, b, c] = [snapshot('a'), snapshot('b'), snapshot('c')];
    history.record(100, a);
    history.record(200, b);
    history.record(300, c);
    expect(history.before(50)).toBe(b);
  });

  it('keeps the same snapshot once', () => {
    const history = new SnapshotHistory();
    const a = snapshot('a');
    history.record(100, a);
    history.record(200, a);
    expect(history.before(150)).toBe(a);
  });
});
