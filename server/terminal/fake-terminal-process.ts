/** A scriptable TerminalProcess for unit tests: the test plays the shell. */
import { Emitter } from '../common/emitter';
import type { Disposable } from '../common/disposable';
import type { TerminalProcess } from './terminal-process';

const utf8 = new TextEncoder();

export class FakeTerminalProcess implements TerminalProcess {
  readonly input: string[] = [];
  readonly resizes: Array<{ cols: number; rows: number }> = [];
  paused = false;
  disposed = false;
  /** How many times output was paused, so tests can tell that backpressure engaged. */
  pauses = 0;
  readonly #data = new Emitter<Uint8Array>();
  readonly #exit = new Emitter<number | null>();
  readonly #decoder = new TextDecoder();
  /** A flood waiting for resume, as a blocked pipe waits (without spinning). */
  #blocked: (() => void) | undefined;

  write(data: Uint8Array | string): void {
    this.input.push(typeof data === 'string' ? data : this.#decoder.decode(data));
  }

  resize(cols: number, rows: number): Promise<void> {
    this.resizes.push({ cols, rows });
    return Promise.resolve();
  }

  pause(): void {
    if (!this.paused) this.pauses++;
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const blocked = this.#blocked;
    this.#blocked = undefined;
    if (blocked) setImmediate(blocked);
  }

  onData(listener: (data: Uint8Array) => void): Disposable {
    return this.#data.event(listener);
  }

  onExit(listener: (exitCode: number | null) => void): Disposable {
    return this.#exit.event(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.#data.dispose();
    this.#exit.dispose();
  }

  /** The shell writes `data`. Like a real stream, a paused fake still delivers what it was given. */
  emit(data: string | Uint8Array): void {
    this.#data.fire(typeof data === 'string' ? utf8.encode(data) : data);
  }

  exit(code: number | null): void {
    this.#exit.fire(code);
  }

  /**
   * Writes `chunk` over and over, like `yes`, honouring pause as a blocked pipe would: paused,
   * it waits for resume. Returns a stop function and a counter of bytes produced.
   */
  flood(chunk: Uint8Array): { stop: () => void; produced: () => number } {
    let produced = 0;
    let running = true;
    const tick = () => {
      if (!running || this.disposed) return;
      // A few chunks per turn of the event loop, as a socket delivers them.
      for (let i = 0; i < 4 && !this.paused; i++) {
        produced += chunk.byteLength;
        this.emit(chunk);
      }
      if (this.paused) this.#blocked = tick;
      else setImmediate(tick);
    };
    setImmediate(tick);
    return { stop: () => void (running = false), produced: () => produced };
  }
}
