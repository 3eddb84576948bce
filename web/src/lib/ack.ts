import { FLOW_CONTROL } from './protocol';

/**
 * Counts bytes the terminal has rendered and acknowledges them in batches. Callbacks from
 * writes made before `reset` (a new connection, a new replay) are ignored, because the
 * server's count of unacknowledged bytes restarted with them.
 */
export class AckBatcher {
  #rendered = 0;
  #generation = 0;

  constructor(
    private readonly send: (bytes: number) => void,
    private readonly batch: number = FLOW_CONTROL.ACK_BATCH_BYTES,
  ) {}

  /** Returns the callback to pass to `term.write` for a frame of `bytes` bytes. */
  track(bytes: number): () => void {
    const generation = this.#generation;
    return () => {
      if (generation !== this.#generation) return;
      this.#rendered += bytes;
      if (this.#rendered >= this.batch) {
        this.send(this.#rendered);
        this.#rendered = 0;
      }
    };
  }

  reset(): void {
    this.#generation++;
    this.#rendered = 0;
  }
}
