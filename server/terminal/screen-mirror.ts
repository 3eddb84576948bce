/**
 * A server-side headless terminal fed every byte a shell writes, so that a browser that
 * reconnects gets the current screen (and some scrollback) instead of a blank terminal or a
 * replay of everything. Its parser is also where shell integration (OSC 633) is read.
 */
import xtermHeadless, { type IParser, type Terminal } from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import { FlowController } from '../protocol/index';

// Both packages are CommonJS; Node's ESM loader only exposes them as a default export.
const { Terminal: HeadlessTerminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/** Lines of scrollback kept and replayed; bounds the mirror's memory and the replay's size. */
export const MIRROR_SCROLLBACK_LINES = 1000;

/**
 * Bytes written to the mirror but not yet parsed. The headless terminal parses in slices on
 * timers; a shell that outruns it would otherwise queue without bound (xterm throws past
 * 50 MB). Above HIGH the shell is paused until parsing is back under LOW. HIGH is about
 * 60 ms of parsing `yes`-like output (measured about 16 MB/s).
 */
export const MIRROR_FLOW = {
  HIGH_WATERMARK: 1024 * 1024,
  LOW_WATERMARK: 256 * 1024,
} as const;

export interface ScreenMirrorOptions {
  cols: number;
  rows: number;
  scrollback?: number;
  /** The mirror has fallen behind: stop the producer. */
  onPause?: () => void;
  /** The mirror has caught up: the producer may go on. */
  onResume?: () => void;
}

export class ScreenMirror {
  readonly #terminal: Terminal;
  readonly #serializer = new SerializeAddon();
  readonly #scrollback: number;
  readonly #backlog: FlowController;
  /** Snapshots still waiting for the parser; settled with `undefined` on dispose. */
  readonly #pendingSnapshots = new Set<(screen: string | undefined) => void>();
  #disposed = false;

  constructor(options: ScreenMirrorOptions) {
    this.#scrollback = options.scrollback ?? MIRROR_SCROLLBACK_LINES;
    this.#terminal = new HeadlessTerminal({
      cols: options.cols,
      rows: options.rows,
      scrollback: this.#scrollback,
      // The serialize addon uses proposed API.
      allowProposedApi: true,
    });
    this.#terminal.loadAddon(this.#serializer);
    this.#backlog = new FlowController(
      () => options.onPause?.(),
      () => options.onResume?.(),
      MIRROR_FLOW.HIGH_WATERMARK,
      MIRROR_FLOW.LOW_WATERMARK,
    );
  }

  /** Where shell integration registers its escape-sequence handlers. */
  get parser(): IParser {
    return this.#terminal.parser;
  }

  get cols(): number {
    return this.#terminal.cols;
  }

  get rows(): number {
    return this.#terminal.rows;
  }

  /** Bytes written but not yet parsed. */
  get backlog(): number {
    return this.#backlog.unacknowledged;
  }

  /** The mirror keeps a reference to `data` until parsed; callers must not reuse it. */
  write(data: Uint8Array): void {
    if (this.#disposed) return;
    const length = data.byteLength;
    this.#backlog.sent(length);
    this.#terminal.write(data, () => {
      if (!this.#disposed) this.#backlog.acknowledged(length);
    });
  }

  resize(cols: number, rows: number): void {
    if (this.#disposed || (cols === this.#terminal.cols && rows === this.#terminal.rows)) return;
    this.#terminal.resize(cols, rows);
  }

  /**
   * The screen as escape sequences that rebuild it, covering exactly the bytes written before
   * this call. Serializing happens inside the write callback: xterm calls it synchronously
   * right after parsing everything queued before it and before parsing anything queued
   * after, which a promise continuation would not guarantee. `undefined` once disposed.
   */
  snapshot(): Promise<string | undefined> {
    return new Promise((resolve) => {
      if (this.#disposed) return resolve(undefined);
      this.#pendingSnapshots.add(resolve);
      this.#terminal.write('', () => {
        if (!this.#pendingSnapshots.delete(resolve)) return;
        resolve(this.#serializer.serialize({ scrollback: this.#scrollback }));
      });
    });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const resolve of this.#pendingSnapshots) resolve(undefined);
    this.#pendingSnapshots.clear();
    this.#terminal.dispose();
  }
}
