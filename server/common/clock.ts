/**
 * Time as timers see it (debouncing, polling, backoff). Injected, so that timing is
 * deterministic in tests (ManualClock) and real in the server (systemClock).
 */

/** Cancels a scheduled callback; calling it after the callback ran does nothing. */
export type Cancel = () => void;

export interface Clock {
  /** Milliseconds, monotonic enough to measure delays. */
  now(): number;
  schedule(delayMs: number, callback: () => void): Cancel;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  schedule(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

/** A clock that moves only when told to; `advance` runs every callback that falls due, in order. */
export class ManualClock implements Clock {
  #now = 0;
  #nextId = 0;
  #timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, callback: () => void): Cancel {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, delayMs), callback });
    return () => this.#timers.delete(id);
  }

  /** How many callbacks are waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      // Earliest first; ties in scheduling order (Map iteration order is insertion order).
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].callback();
    }
    this.#now = end;
  }
}
