/**
 * Whether a participant is active, idle or stuck: the rule the dashboard colours rows by.
 * Pure: times are passed in.
 *
 * - stuck: the same check failed after STUCK_FAILURES commands in a row on this step, or the
 *   participant has been on the step far longer than the room: STUCK_FACTOR times the median
 *   time others needed for it (or, before anyone finished it, than others have been on it),
 *   and at least STUCK_MIN_MS.
 * - idle: no command for IDLE_MS (a participant reading a long step is idle, not stuck).
 * - active otherwise.
 */
import type { ActivityReason, ActivityState } from '../protocol/workshops';

export const ACTIVITY = {
  IDLE_MS: 5 * 60_000,
  STUCK_MIN_MS: 8 * 60_000,
  STUCK_FACTOR: 3,
  STUCK_FAILURES: 3,
} as const;

export interface ActivityInput {
  now: number;
  /** When the participant arrived at their step; null before they chose one. */
  stepSince: number | null;
  /** Their last command, or when they joined. */
  lastActivityAt: number;
  /** Commands in a row after which the same check still failed. */
  sameFailure: number;
  /** How long others took for this step, and how long those still on it have been. */
  othersDone: readonly number[];
  othersOnIt: readonly number[];
}

export function activityState(input: ActivityInput): { state: ActivityState; reason?: ActivityReason } {
  if (input.sameFailure >= ACTIVITY.STUCK_FAILURES) {
    return { state: 'stuck', reason: { kind: 'same-failure', commands: input.sameFailure } };
  }
  if (input.stepSince !== null) {
    const onStep = input.now - input.stepSince;
    const room = median(input.othersDone.length > 0 ? input.othersDone : input.othersOnIt);
    if (room !== undefined && onStep >= ACTIVITY.STUCK_MIN_MS && onStep >= ACTIVITY.STUCK_FACTOR * room) {
      return { state: 'stuck', reason: { kind: 'slow', minutes: minutes(onStep), roomMinutes: minutes(room) } };
    }
  }
  const quiet = input.now - input.lastActivityAt;
  if (quiet >= ACTIVITY.IDLE_MS) return { state: 'idle', reason: { kind: 'quiet', minutes: minutes(quiet) } };
  return { state: 'active' };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));
