/**
 * One shell of one learner's node, bridged to at most one viewer (a browser tab).
 *
 * Output goes two ways: every byte into the screen mirror, and, while a viewer is attached,
 * into frames of at most one batch window. The shell is paused while the viewer has more
 * than the high watermark unacknowledged, or while the mirror has fallen behind parsing.
 * With nobody watching, output is gathered and fed to the mirror once per detached window,
 * at most DETACHED_OUTPUT.MAX_BYTES a window: the shell goes on, never blocked for want of a
 * viewer, but a flood in a closed page costs a fraction of a core rather than all of one.
 *
 * A viewer that attaches is sent `attached`, then the mirror's snapshot, then live output
 * from exactly the point the snapshot covers. The channel outlives viewers: the session
 * layer detaches on socket close and disposes when the sandbox goes.
 *
 * Watchers (a trainer's read-only view) get the same: the mirror's screen, then every byte
 * the mirror gets from then on. They are not flow-controlled (their socket has its own
 * stuck-socket watch), and while the learner's page is closed they see output as the mirror
 * does, once per detached window.
 */
import type { IParser } from '@xterm/headless';
import {
  ERRORS,
  FLOW_CONTROL,
  FlowController,
  encodeTerminalFrame,
  type ErrorCode,
  type ServerMessage,
} from '../protocol/index';
import { ScreenMirror } from './screen-mirror';
import type { Disposable } from '../common/disposable';
import type { TerminalProcess } from './terminal-process';

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** The browser side of a channel, as the channel sees it; a WebSocket in production. */
export interface Viewer {
  sendFrame(frame: Uint8Array): void;
  sendMessage(message: ServerMessage): void;
  /** Closes the viewer's connection; called after it was replaced by a newer viewer. */
  close?(code: ErrorCode): void;
}

export interface TerminalChannelOptions {
  channel: number;
  node: string;
  size: TerminalSize;
  /** Starts a shell; called at construction and for every restart. */
  openShell: (size: TerminalSize) => Promise<TerminalProcess>;
  /**
   * Keystrokes wait for `promptShown()` after the shell started (or PROMPT_WAIT_MS at most):
   * bash discards what was typed while it read its startup files and set up the terminal.
   */
  waitForPrompt?: boolean;
  /** The line shown where output was skipped after Ctrl-C (INTERRUPT_SKIP), in the learner's language. */
  skippedNote?: (bytes: number) => string;
  log?: (line: string) => void;
}

// Why the shell is paused; it runs only when no reason holds.
const VIEWER_BEHIND = 1;
const MIRROR_BEHIND = 2;
const DETACHED_BUDGET = 4;

/**
 * Output while no viewer is attached: one mirror write per window instead of one per chunk,
 * and at most MAX_BYTES a window (256 KiB/s, where the mirror parses `yes` at about 5 MB/s on
 * a core of its own), so that nobody's closed page takes the event loop from attached learners.
 * A build log or `ping` stays far below it; a detached flood waits, losing nothing.
 */
export const DETACHED_OUTPUT = {
  WINDOW_MS: 250,
  MAX_BYTES: 64 * 1024,
} as const;

/**
 * Ctrl-C during a flood: a terminal's own line discipline throws away its output queue on an
 * interrupt, but behind the sandbox's tty the output also queues in the engine's pipes and
 * sockets (1.5-2 MB measured, docs/BENCHMARKS.md), which the page would otherwise render
 * before the prompt. So output after Ctrl-C during a flood (more than LOW_WATERMARK in flight
 * to the viewer, or the shell held back for the viewer or the mirror within FLOOD_MS) is skipped (for the viewer and the mirror alike) up to the shell's next
 * command-end or prompt mark, for MAX_MS at most: a program that ignores the interrupt loses
 * at most that much of its output to the page, as it would to a tty's flush. A line says so
 * from NOTE_MIN_BYTES on; below, only the skipped `^C` echo's line break is put back.
 */
export const INTERRUPT_SKIP = { MAX_MS: 2000, FLOOD_MS: 1000, NOTE_MIN_BYTES: 4096 } as const;
const INTERRUPT = 0x03;
/** The shell integration's marks (OSC 633) of a command's end and of a prompt's start. */
const RESUME_MARKS = ['\x1b]633;D;', '\x1b]633;A;'].map((mark) => new TextEncoder().encode(mark));

/** Keystrokes kept while a shell starts (typed right after a restart), then written to it. */
const STARTING_INPUT_LIMIT = 64 * 1024;
/** A shell that never reports its prompt gets the kept keystrokes after this long anyway. */
export const PROMPT_WAIT_MS = 3000;

const utf8 = new TextEncoder();

interface Watcher {
  send: (data: Uint8Array) => void;
  /** Output that came while the watcher's screen was being taken; null once it was sent. */
  pending: Uint8Array[] | null;
}

export class TerminalChannel {
  readonly channel: number;
  readonly node: string;
  readonly #openShell: (size: TerminalSize) => Promise<TerminalProcess>;
  readonly #log: (line: string) => void;
  readonly #mirror: ScreenMirror;
  readonly #flow: FlowController;
  #size: TerminalSize;

  #process: TerminalProcess | undefined;
  #processListeners: Disposable[] = [];
  /** Counts shell starts, so that a start overtaken by a newer one (or dispose) is dropped. */
  #starts = 0;
  #state: 'starting' | 'running' | 'exited' = 'starting';
  #exitCode: number | null = null;
  #paused = 0;
  #startingInput: Array<Uint8Array | string> = [];
  #startingInputLength = 0;
  readonly #waitForPrompt: boolean;
  /** The shell runs but has not shown its first prompt: keystrokes are still kept. */
  #awaitingPrompt = false;
  #promptTimer: ReturnType<typeof setTimeout> | undefined;

  #viewer: Viewer | undefined;
  /** Counts attachments, so that a replay overtaken by a newer attach (or detach) is dropped. */
  #attachments = 0;
  /** The viewer waits for its replay; live output is held until it is sent. */
  #replaying = false;
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  #batchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Output gathered for the mirror while detached, written when the window ends. */
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #heldTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #watchers = new Set<Watcher>();
  /** Skipping output after Ctrl-C: until when at most, and how much so far. */
  #skipping: { until: number; bytes: number } | undefined;
  /** When the shell was last held back for the viewer or the mirror: a flood is under way. */
  #heldBackAt = Number.NEGATIVE_INFINITY;
  readonly #skippedNote: ((bytes: number) => string) | undefined;
  #disposed = false;

  constructor(options: TerminalChannelOptions) {
    this.channel = options.channel;
    this.node = options.node;
    this.#openShell = options.openShell;
    this.#waitForPrompt = options.waitForPrompt ?? false;
    this.#log = options.log ?? (() => {});
    this.#skippedNote = options.skippedNote;
    this.#size = { ...options.size };
    this.#mirror = new ScreenMirror({
      ...this.#size,
      onPause: () => this.#pause(MIRROR_BEHIND),
      onResume: () => this.#resume(MIRROR_BEHIND),
    });
    this.#flow = new FlowController(
      () => this.#pause(VIEWER_BEHIND),
      () => this.#resume(VIEWER_BEHIND),
    );
    void this.restart();
  }

  /** The mirror's parser, for handlers of shell-integration sequences. Survives restarts. */
  get parser(): IParser {
    return this.#mirror.parser;
  }

  /**
   * Makes `viewer` the one viewer, replacing (and closing) any other. With `size`, the screen
   * is resized before the replay is taken. Settles once the replay has been sent (or was
   * overtaken); never rejects.
   */
  attach(viewer: Viewer, size?: TerminalSize): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    const previous = this.#viewer;
    if (previous && previous !== viewer) {
      this.#flush();
      previous.sendMessage({ type: 'error', code: 'REPLACED', message: ERRORS.REPLACED.message });
      previous.close?.('REPLACED');
    }
    // Whatever is batched is older than the snapshot below, which covers it; what was held
    // while detached goes into the mirror first, so the snapshot covers that too.
    this.#discardBatch();
    this.#feedMirror();
    this.#viewer = viewer;
    this.#flow.reset();
    if (size) this.resize(size.cols, size.rows);
    viewer.sendMessage({ type: 'terminal', channel: this.channel, node: this.node, event: 'attached' });

    const attachment = ++this.#attachments;
    this.#replaying = true;
    return this.#mirror.snapshot().then((screen) => {
      if (attachment !== this.#attachments || screen === undefined) return;
      this.#replaying = false;
      if (screen.length > 0) this.#send(utf8.encode(screen));
      this.#flush();
      if (this.#state === 'exited') this.#sendExited();
    });
  }

  /**
   * Sends `watch` the screen as the mirror has it, then everything the shell writes, until
   * disposed. Keystrokes are not the watcher's to send: a take-over goes through `input`.
   */
  watch(watch: (data: Uint8Array) => void): Disposable {
    const watcher: Watcher = { send: watch, pending: [] };
    if (this.#disposed) return { dispose: () => undefined };
    // What was held while detached goes into the mirror first, so the snapshot covers it.
    this.#feedMirror();
    this.#watchers.add(watcher);
    void this.#mirror.snapshot().then((screen) => {
      if (!this.#watchers.has(watcher)) return;
      if (screen) watch(utf8.encode(screen));
      for (const data of watcher.pending ?? []) watch(data);
      watcher.pending = null;
    });
    return { dispose: () => void this.#watchers.delete(watcher) };
  }

  /** Forgets `viewer` if it is the current one; output goes on into the mirror alone. */
  detach(viewer: Viewer): void {
    if (viewer !== this.#viewer) return;
    this.#viewer = undefined;
    this.#attachments++;
    this.#replaying = false;
    this.#discardBatch();
    this.#flow.reset();
  }

  /** Keystrokes; kept while a shell starts, dropped while none runs (exited, not restarted). */
  input(data: Uint8Array | string): void {
    if (this.#process && !this.#awaitingPrompt) {
      if (hasInterrupt(data) && this.#flooding()) this.#startSkipping();
      return this.#process.write(data);
    }
    const keeping = this.#state === 'starting' || this.#awaitingPrompt;
    if (!keeping || this.#startingInputLength + data.length > STARTING_INPUT_LIMIT) return;
    this.#startingInput.push(data);
    this.#startingInputLength += data.length;
  }

  /** The shell showed a prompt (shell integration says so): keystrokes kept until now go in. */
  promptShown(): void {
    if (!this.#awaitingPrompt) return;
    this.#awaitingPrompt = false;
    clearTimeout(this.#promptTimer);
    for (const data of this.#startingInput) this.#process?.write(data);
    this.#dropStartingInput();
  }

  resize(cols: number, rows: number): void {
    if (this.#disposed || (cols === this.#size.cols && rows === this.#size.rows)) return;
    this.#size = { cols, rows };
    this.#mirror.resize(cols, rows);
    this.#resizeProcess();
  }

  /** The viewer rendered `bytes` more bytes of terminal frames (payload, without the channel byte). */
  acknowledge(bytes: number): void {
    this.#flow.acknowledged(bytes);
  }

  /**
   * Ends the current shell, if any, without an `exited` message, and starts a fresh one. The
   * screen is kept. A shell that fails to start is logged and reported as exited with a null
   * code. Never rejects.
   */
  restart(): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    const start = ++this.#starts;
    this.#stopProcess();
    this.#state = 'starting';
    const size = { ...this.#size };
    return Promise.resolve()
      .then(() => this.#openShell(size))
      .then(
        (process) => {
          if (start !== this.#starts) return process.dispose();
          this.#process = process;
          this.#state = 'running';
          this.#processListeners = [process.onData(this.#output), process.onExit(this.#exited)];
          if (this.#paused) process.pause();
          if (size.cols !== this.#size.cols || size.rows !== this.#size.rows) this.#resizeProcess();
          this.#awaitingPrompt = true;
          if (this.#waitForPrompt) this.#promptTimer = setTimeout(() => this.promptShown(), PROMPT_WAIT_MS);
          else this.promptShown();
        },
        (error: unknown) => {
          if (start !== this.#starts) return;
          this.#log(`terminal ${this.node}#${this.channel}: the shell did not start: ${(error as Error).message}`);
          this.#dropStartingInput();
          this.#exited(null);
        },
      );
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#starts++;
    this.#attachments++;
    this.#viewer = undefined;
    this.#discardBatch();
    clearTimeout(this.#heldTimer);
    this.#held = [];
    this.#heldBytes = 0;
    this.#dropStartingInput();
    this.#stopProcess();
    this.#watchers.clear();
    this.#mirror.dispose();
  }

  readonly #output = (chunk: Uint8Array): void => {
    const data = this.#skipping ? this.#skipped(chunk) : chunk;
    if (data.byteLength === 0) return;
    if (!this.#viewer) return this.#hold(data);
    this.#writeMirror(data);
    this.#batch.push(data);
    this.#batchBytes += data.byteLength;
    if (this.#replaying) return;
    if (this.#batchTimer === undefined) {
      // Quiet until now (a keystroke's echo, a prompt): send at once, then gather what
      // follows for one window, so a flood still goes out in few, large frames.
      this.#flush();
      this.#batchTimer = setTimeout(this.#windowEnded, FLOW_CONTROL.BATCH_WINDOW_MS);
    } else if (this.#batchBytes >= FLOW_CONTROL.BATCH_MAX_BYTES) {
      this.#flush();
    }
  };

  readonly #windowEnded = (): void => {
    this.#batchTimer = undefined;
    if (this.#batchBytes === 0) return;
    this.#flush();
    this.#batchTimer = setTimeout(this.#windowEnded, FLOW_CONTROL.BATCH_WINDOW_MS);
  };

  /** Right after a pause the viewer may have caught up while the engine's pipes are still full. */
  #flooding(): boolean {
    if (!this.#viewer) return false;
    return this.#flow.unacknowledged > FLOW_CONTROL.LOW_WATERMARK || Date.now() - this.#heldBackAt < INTERRUPT_SKIP.FLOOD_MS;
  }

  /** From Ctrl-C on: nothing new to the viewer or mirror, and nothing batched goes out. */
  #startSkipping(): void {
    this.#skipping ??= { until: Date.now() + INTERRUPT_SKIP.MAX_MS, bytes: 0 };
    this.#skipping.bytes += this.#batchBytes;
    this.#discardBatch();
  }

  /** What of `chunk` is shown: nothing before the shell's next mark, all of it past MAX_MS. */
  #skipped(chunk: Uint8Array): Uint8Array {
    const skipping = this.#skipping!;
    const mark = Date.now() > skipping.until ? 0 : firstMark(chunk);
    if (mark === -1) {
      skipping.bytes += chunk.byteLength;
      return chunk.subarray(0, 0);
    }
    this.#skipping = undefined;
    const bytes = skipping.bytes + mark;
    this.#log(`terminal ${this.node}#${this.channel}: skipped ${bytes} bytes of output after Ctrl-C`);
    const worded = bytes >= INTERRUPT_SKIP.NOTE_MIN_BYTES && this.#skippedNote ? `\x1b[2m${this.#skippedNote(bytes)}\x1b[22m\r\n` : '';
    const note = utf8.encode(`\r\n${worded}`);
    return concat([note, chunk.subarray(mark)], note.byteLength + chunk.byteLength - mark);
  }

  /** Detached output: kept for the mirror until the window ends; past the budget the shell waits. */
  #hold(data: Uint8Array): void {
    this.#held.push(data);
    this.#heldBytes += data.byteLength;
    this.#heldTimer ??= setTimeout(this.#feedMirror, DETACHED_OUTPUT.WINDOW_MS);
    if (this.#heldBytes >= DETACHED_OUTPUT.MAX_BYTES) this.#pause(DETACHED_BUDGET);
  }

  /** Writes what was held into the mirror at once, and lets the shell go on. */
  readonly #feedMirror = (): void => {
    clearTimeout(this.#heldTimer);
    this.#heldTimer = undefined;
    if (this.#heldBytes > 0) this.#writeMirror(concat(this.#held, this.#heldBytes));
    this.#held = [];
    this.#heldBytes = 0;
    this.#resume(DETACHED_BUDGET);
  };

  readonly #exited = (exitCode: number | null): void => {
    this.#stopProcess();
    this.#state = 'exited';
    this.#exitCode = exitCode;
    // The shell's last output goes before the news of its exit.
    this.#flush();
    if (this.#viewer && !this.#replaying) this.#sendExited();
  };

  readonly #flush = (): void => {
    if (!this.#viewer || this.#replaying || this.#batchBytes === 0) return;
    const data = concat(this.#batch, this.#batchBytes);
    this.#batch = [];
    this.#batchBytes = 0;
    this.#send(data);
  };

  /** Into the mirror, and to the watchers (held for those whose screen is still being taken). */
  #writeMirror(data: Uint8Array): void {
    this.#mirror.write(data);
    for (const watcher of this.#watchers) {
      if (watcher.pending) watcher.pending.push(data);
      else watcher.send(data);
    }
  }

  #send(data: Uint8Array): void {
    this.#viewer?.sendFrame(encodeTerminalFrame(this.channel, data));
    this.#flow.sent(data.byteLength);
  }

  #sendExited(): void {
    this.#viewer?.sendMessage({
      type: 'terminal',
      channel: this.channel,
      node: this.node,
      event: 'exited',
      exitCode: this.#exitCode,
    });
  }

  #discardBatch(): void {
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    this.#batch = [];
    this.#batchBytes = 0;
  }

  #dropStartingInput(): void {
    this.#startingInput = [];
    this.#startingInputLength = 0;
  }

  #stopProcess(): void {
    this.#awaitingPrompt = false;
    clearTimeout(this.#promptTimer);
    for (const listener of this.#processListeners) listener.dispose();
    this.#processListeners = [];
    this.#process?.dispose();
    this.#process = undefined;
  }

  #resizeProcess(): void {
    // Fails only when the shell is already gone, which onExit reports.
    this.#process?.resize(this.#size.cols, this.#size.rows).catch(() => {});
  }

  #pause(reason: number): void {
    if (reason !== DETACHED_BUDGET) this.#heldBackAt = Date.now();
    if (this.#paused === 0) this.#process?.pause();
    this.#paused |= reason;
  }

  #resume(reason: number): void {
    if ((this.#paused & reason) === 0) return;
    this.#paused &= ~reason;
    if (this.#paused === 0) this.#process?.resume();
  }
}

function hasInterrupt(data: Uint8Array | string): boolean {
  return typeof data === 'string' ? data.includes('\x03') : data.includes(INTERRUPT);
}

/** Where the first command-end or prompt mark starts in `chunk`, or -1. */
function firstMark(chunk: Uint8Array): number {
  const found = RESUME_MARKS.map((mark) => indexOf(chunk, mark)).filter((index) => index >= 0);
  return found.length > 0 ? Math.min(...found) : -1;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  for (let from = haystack.indexOf(needle[0]!); from !== -1 && from <= haystack.length - needle.length; from = haystack.indexOf(needle[0]!, from + 1)) {
    if (needle.every((byte, offset) => haystack[from + offset] === byte)) return from;
  }
  return -1;
}

/** One chunk is returned as it is. */
function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
