/**
 * The server side of shell integration: the sandbox's shell-integration.bash
 * (server/images/definitions/sandbox/rootfs/usr/local/share/slipway/) makes the learner's shell emit
 * OSC 633 sequences around every command; this module turns them into CommandRecords.
 *
 * Sequences (payloads after "633;"), each ending with the shell's nonce so that output printed
 * by a command (`printf '\e]633;D;0\a'`, a container's logs) cannot forge a result:
 *   A;nonce        prompt start            B;nonce   prompt end, the learner types
 *   E;line;nonce   the command line        C;nonce   the command starts executing
 *   D;code;nonce   the command finished    P;Cwd=path;nonce   working directory
 * In `line` and `path`, "\\" is a backslash and "\xHH" a byte below 0x20 or ";".
 *
 * The nonce stops forgery by programs, not by a learner determined to fool their own checks.
 */
import { z } from 'zod';

export const OSC_SHELL_INTEGRATION = 633;

export const CommandRecord = z.object({
  /** The command line as typed (several lines for a multi-line command). */
  command: z.string(),
  /** null when the shell never reported an end (killed, replaced by `exec`, or still running). */
  exitCode: z.number().int().nullable(),
  cwd: z.string().optional(),
  /** Epoch milliseconds. */
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  node: z.string(),
});
export type CommandRecord = z.infer<typeof CommandRecord>;

export type ShellIntegrationOptions = {
  nonce: string;
  node: string;
  onCommand: (record: CommandRecord) => void;
  /** A prompt is showing: the previous command is over, a good moment to evaluate checks. */
  onPrompt?: () => void;
  now?: () => number;
};

/**
 * Fed one OSC 633 payload at a time, e.g. from a headless xterm:
 * `terminal.parser.registerOscHandler(OSC_SHELL_INTEGRATION, (data) => parser.handle(data))`.
 */
export class ShellIntegrationParser {
  #cwd: string | undefined;
  #commandLine: string | undefined;
  #running: { command: string; cwd: string | undefined; startedAt: number } | undefined;
  readonly #options: ShellIntegrationOptions;
  readonly #now: () => number;

  constructor(options: ShellIntegrationOptions) {
    if (!/^[A-Za-z0-9_-]{16,}$/.test(options.nonce)) {
      throw new Error('The shell integration nonce must be at least 16 letters, digits, "-" or "_"');
    }
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Always claims the sequence (returns true): nothing else should act on OSC 633. */
  handle(payload: string): boolean {
    const fields = payload.split(';');
    if (fields.length < 2 || fields.at(-1) !== this.#options.nonce) return true;
    const [kind, ...rest] = fields.slice(0, -1);
    switch (kind) {
      case 'A':
        // A prompt while a command is still open means its end was never reported.
        this.#finish(null);
        this.#options.onPrompt?.();
        break;
      case 'E':
        if (rest.length === 1) this.#commandLine = unescapeValue(rest[0]!);
        break;
      case 'C':
        this.#finish(null);
        this.#running = { command: this.#commandLine ?? '', cwd: this.#cwd, startedAt: this.#now() };
        this.#commandLine = undefined;
        break;
      case 'D': {
        const code = rest.length === 1 && /^\d{1,3}$/.test(rest[0]!) ? Number(rest[0]) : null;
        this.#finish(code);
        break;
      }
      case 'P': {
        const property = rest.length === 1 ? /^Cwd=(.*)$/s.exec(rest[0]!) : null;
        if (property) this.#cwd = unescapeValue(property[1]!);
        break;
      }
    }
    return true;
  }

  /** Ends a command left open, e.g. when the shell exits. */
  flush(): void {
    this.#finish(null);
  }

  #finish(exitCode: number | null): void {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    this.#options.onCommand({
      command: running.command,
      exitCode,
      ...(running.cwd === undefined ? {} : { cwd: running.cwd }),
      startedAt: running.startedAt,
      finishedAt: exitCode === null ? null : this.#now(),
      node: this.#options.node,
    });
  }
}

/** Reverses shell-integration.bash's escaping: "\\" -> "\", "\xHH" -> that byte. */
export function unescapeValue(value: string): string {
  return value.replace(/\\(\\|x([0-9a-fA-F]{2}))/g, (_, escaped: string, hex: string | undefined) =>
    hex === undefined ? escaped : String.fromCharCode(parseInt(hex, 16)),
  );
}

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
/** Longer OSC strings are dropped, so a stream of garbage cannot grow the buffer without end. */
export const MAX_OSC_BYTES = 64 * 1024;

/**
 * Finds OSC sequences with one identifier in a raw byte stream split at arbitrary points, for
 * pipelines without a terminal emulator. Terminators: BEL or ESC \; CAN and SUB abort, as in
 * xterm. 8-bit C1 controls are not recognized: in UTF-8 they are continuation bytes.
 */
export class OscScanner {
  #state: 'ground' | 'escape' | 'osc' | 'osc-escape' = 'ground';
  #buffer: number[] = [];
  #overflow = false;
  readonly #prefix: string;
  readonly #decoder = new TextDecoder();
  readonly #encoder = new TextEncoder();

  constructor(
    private readonly onPayload: (payload: string) => void,
    identifier = OSC_SHELL_INTEGRATION,
  ) {
    this.#prefix = `${identifier};`;
  }

  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? this.#encoder.encode(chunk) : chunk;
    for (const byte of bytes) this.#step(byte);
  }

  #step(byte: number): void {
    switch (this.#state) {
      case 'ground':
        if (byte === ESC) this.#state = 'escape';
        return;
      case 'escape':
        if (byte === 0x5d /* ] */) {
          this.#state = 'osc';
          this.#buffer = [];
          this.#overflow = false;
        } else {
          this.#state = byte === ESC ? 'escape' : 'ground';
        }
        return;
      case 'osc':
        if (byte === BEL) this.#end();
        else if (byte === ESC) this.#state = 'osc-escape';
        else if (byte === CAN || byte === SUB) this.#state = 'ground';
        else if (this.#buffer.length < MAX_OSC_BYTES) this.#buffer.push(byte);
        else this.#overflow = true;
        return;
      case 'osc-escape':
        if (byte === 0x5c /* \ */) this.#end();
        else {
          // ESC inside an OSC string aborts it and starts a new escape sequence.
          this.#state = 'escape';
          this.#step(byte);
        }
        return;
    }
  }

  #end(): void {
    this.#state = 'ground';
    if (this.#overflow) return;
    const text = this.#decoder.decode(new Uint8Array(this.#buffer));
    if (text.startsWith(this.#prefix)) this.onPayload(text.slice(this.#prefix.length));
  }
}
