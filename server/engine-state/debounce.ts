/**
 * Coalesces bursts: `poke` starts or extends a quiet period; the callback runs once the
 * stream has been quiet for `quietMs`, or `maxDelayMs` after the first poke of the burst,
 * whichever comes first, so that a steady trickle still flushes.
 */
import type { Cancel, Clock } from '../common/clock';

export class Debouncer {
  #burstStart: number | undefined;
  #cancel: Cancel | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly quietMs: number,
    private readonly maxDelayMs: number,
    private readonly callback: () => void,
  ) {}

  get pending(): boolean {
    return this.#burstStart !== undefined;
  }

  poke(): void {
    const now = this.clock.now();
    this.#burstStart ??= now;
    const due = Math.min(now + this.quietMs, this.#burstStart + this.maxDelayMs);
    this.#cancel?.();
    this.#cancel = this.clock.schedule(due - now, () => this.#fire());
  }

  cancel(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#burstStart = undefined;
  }

  #fire(): void {
    this.#cancel = undefined;
    this.#burstStart = undefined;
    this.callback();
  }
}
