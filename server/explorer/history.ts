/**
 * Settled snapshots by the time they settled, so that a command's changes can be measured
 * from the state just before it started. Pure; times are epoch milliseconds, as in
 * CommandRecord.
 */
import type { EngineSnapshot } from '../engine-state/snapshot';

/** Enough for any command a learner waits on; older entries are dropped first. */
export const HISTORY_MAX_ENTRIES = 64;

export class SnapshotHistory {
  readonly #entries: { at: number; snapshot: EngineSnapshot }[] = [];

  constructor(private readonly max = HISTORY_MAX_ENTRIES) {}

  /** Records a settled snapshot; the same object twice in a row is kept once. */
  record(at: number, snapshot: EngineSnapshot): void {
    const last = this.#entries.at(-1);
    if (last?.snapshot === snapshot) return;
    this.#entries.push({ at, snapshot });
    if (this.#entries.length > this.max) this.#entries.shift();
  }

  /**
   * The newest snapshot settled at or before `at`; the oldest one kept when every entry is
   * newer (the command started before the explorer first listed, or long ago).
   */
  before(at: number): EngineSnapshot | undefined {
    for (let index = this.#entries.length - 1; index >= 0; index -= 1) {
      const entry = this.#entries[index]!;
      if (entry.at <= at) return entry.snapshot;
    }
    return this.#entries[0]?.snapshot;
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
