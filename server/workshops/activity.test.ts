import { describe, expect, it } from 'vitest';
import { ACTIVITY, activityState, median } from './activity';

const MIN = 60_000;
const base = { now: 100 * MIN, stepSince: 99 * MIN, lastActivityAt: 99.5 * MIN, sameFailure: 0, othersDone: [], othersOnIt: [] };

describe('activity state', () => {
  it('is active while commands come', () => {
    expect(activityState(base)).toEqual({ state: 'active' });
  });

  it('is idle after minutes without a command', () => {
    const idle = activityState({ ...base, lastActivityAt: base.now - ACTIVITY.IDLE_MS });
    expect(idle.state).toBe('idle');
    expect(idle.reason).toEqual({ kind: 'quiet', minutes: 5 });
  });

  it('is stuck when the same check fails again and again', () => {
    expect(activityState({ ...base, sameFailure: 2 }).state).toBe('active');
    expect(activityState({ ...base, sameFailure: 3 })).toEqual({ state: 'stuck', reason: { kind: 'same-failure', commands: 3 } });
  });

  it('is stuck on a step far longer than the room took for it', () => {
    const long = { ...base, stepSince: base.now - 12 * MIN };
    expect(activityState({ ...long, othersDone: [3 * MIN, 4 * MIN, 5 * MIN] })).toEqual({
      state: 'stuck',
      reason: { kind: 'slow', minutes: 12, roomMinutes: 4 },
    });
    expect(activityState({ ...long, othersDone: [5 * MIN] }).state).toBe('active');
  });

  it('compares with those still on the step before anyone finished it', () => {
    const long = { ...base, stepSince: base.now - 10 * MIN };
    expect(activityState({ ...long, othersOnIt: [2 * MIN, 3 * MIN] }).state).toBe('stuck');
    expect(activityState({ ...long, othersOnIt: [9 * MIN] }).state).toBe('active');
  });

  it('is never stuck for time alone under the minimum, or alone in the room', () => {
    const short = { ...base, stepSince: base.now - 7 * MIN };
    expect(activityState({ ...short, othersDone: [MIN] }).state).toBe('active');
    expect(activityState({ ...base, stepSince: base.now - 60 * MIN, lastActivityAt: base.now }).state).toBe('active');
  });

  it('takes the median', () => {
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
