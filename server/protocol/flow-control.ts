/**
 * Flow control between a shell's output and the browser terminal, after the xterm.js
 * flow-control guide: the server counts bytes it sent that the browser has not yet
 * acknowledged, pauses reading the shell above HIGH_WATERMARK and resumes below
 * LOW_WATERMARK. The browser acknowledges from `term.write`'s callback, in batches of
 * ACK_BATCH_BYTES so that acknowledgements cost little.
 */
export const FLOW_CONTROL = {
  /** Unacknowledged bytes above which the server stops reading the shell. */
  HIGH_WATERMARK: 256 * 1024,
  /** Unacknowledged bytes below which a paused shell is read again. */
  LOW_WATERMARK: 32 * 1024,
  /** The browser acknowledges once this many bytes have been rendered. */
  ACK_BATCH_BYTES: 16 * 1024,
  /** After a frame goes out, further shell output is gathered this long into the next one. */
  BATCH_WINDOW_MS: 4,
  /** A frame is sent at once when its batch grows past this size. */
  BATCH_MAX_BYTES: 64 * 1024,
} as const;

/** Decides when to pause and resume a producer from acknowledged byte counts. */
export class FlowController {
  #unacknowledged = 0;
  #paused = false;

  constructor(
    private readonly onPause: () => void,
    private readonly onResume: () => void,
    private readonly high = FLOW_CONTROL.HIGH_WATERMARK,
    private readonly low = FLOW_CONTROL.LOW_WATERMARK,
  ) {}

  get unacknowledged(): number {
    return this.#unacknowledged;
  }

  get paused(): boolean {
    return this.#paused;
  }

  sent(bytes: number): void {
    this.#unacknowledged += bytes;
    if (!this.#paused && this.#unacknowledged > this.high) {
      this.#paused = true;
      this.onPause();
    }
  }

  acknowledged(bytes: number): void {
    this.#unacknowledged = Math.max(0, this.#unacknowledged - bytes);
    if (this.#paused && this.#unacknowledged < this.low) {
      this.#paused = false;
      this.onResume();
    }
  }

  /** A new viewer starts with nothing in flight. */
  reset(): void {
    this.acknowledged(this.#unacknowledged);
  }
}
