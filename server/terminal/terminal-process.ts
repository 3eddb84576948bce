/**
 * The one interface every shell implements (a Docker exec, a fake in tests), so the channel
 * that bridges a shell to the browser never depends on where the shell runs.
 */
import type { Disposable } from '../common/disposable';

export interface TerminalProcess {
  /** Keystrokes and pasted text; strings are sent as UTF-8. */
  write(data: Uint8Array | string): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Stop reading output, so that backpressure reaches the shell and it blocks writing. */
  pause(): void;
  resume(): void;
  onData(listener: (data: Uint8Array) => void): Disposable;
  /** Fires once; `null` when the exit code could not be learned. */
  onExit(listener: (exitCode: number | null) => void): Disposable;
  /** Ends the shell and releases everything; no events fire afterwards. */
  dispose(): void;
}
