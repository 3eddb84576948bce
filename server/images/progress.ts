/**
 * Turns the engine's build output (JSON events of the classic builder) into short readable
 * lines, and keeps the last lines so that a failed build can say why it failed.
 */
const PREFIX = '[images]';
const MAX_LINE = 160;
const KEPT_FOR_ERRORS = 25;
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

/** Lines that say nothing to someone watching a build. */
const NOISE = [
  /^ --->( |$)/,
  /^Removing intermediate container /,
  /^Successfully (built|tagged) /,
  /^debconf: /,
  /^(Reading package lists|Building dependency tree|Reading state information)\.\.\./,
  /^(Selecting previously unselected package|Preparing to unpack|Unpacking|Processing triggers for) /,
  /^\(Reading database \.\.\./,
];

export interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: unknown;
}

export class BuildProgress {
  readonly #name: string;
  #partial = '';
  readonly #recent: string[] = [];

  constructor(name: string) {
    this.#name = name;
  }

  /** The readable lines for one event (often none). */
  lines(event: BuildEvent): string[] {
    if (event.error !== undefined) return [];
    const text = this.#partial + (event.stream ?? (event.status !== undefined ? `${event.status}\n` : ''));
    const pieces = text.split(/\r?\n|\r/);
    this.#partial = pieces.pop() ?? '';
    return pieces.flatMap((piece) => {
      // The classic builder colours a step's stderr with ANSI escapes.
      const line = piece.replace(ANSI_ESCAPE, '').trimEnd();
      if (line.trim() === '') return [];
      this.#remember(line);
      const readable = this.readable(line);
      return readable === undefined ? [] : [readable];
    });
  }

  /** One raw output line as shown, or undefined to leave it out. */
  readable(line: string): string | undefined {
    const step = /^Step (\d+\/\d+) : (.*)$/.exec(line);
    if (step) return shorten(`${PREFIX} building ${this.#name} (step ${step[1]}): ${step[2]}`);
    if (NOISE.some((pattern) => pattern.test(line))) return undefined;
    // "Get:12 http://deb.debian.org/debian trixie/main amd64 docker.io amd64 26.1.5+dfsg1-9 [25.0 MB]"
    const get = /^Get:\d+ \S+ (\S+) (?:\S+ )?(\S+) \S+ (\S+) \[(.+)\]$/.exec(line);
    if (get) return `${PREFIX} ${this.#name}: apt: ${get[2]} ${get[3]} (${get[4]})`;
    return shorten(`${PREFIX} ${this.#name}: ${line.trim()}`);
  }

  /** The error an engine reported, with the output that led to it. */
  failure(event: BuildEvent): Error {
    const message = event.errorDetail?.message ?? event.error ?? 'unknown error';
    const context = this.#recent.filter((line) => !message.includes(line.trim()));
    return new Error(
      `building ${this.#name} failed: ${message.trim()}` +
        (context.length > 0 ? `\nlast output:\n${context.map((line) => `  ${line}`).join('\n')}` : ''),
    );
  }

  #remember(line: string) {
    if (/^ ---> |^Removing intermediate container /.test(line)) return;
    this.#recent.push(line);
    if (this.#recent.length > KEPT_FOR_ERRORS) this.#recent.shift();
  }
}

function shorten(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** debootstrap's per-package lines ("I: Retrieving libc6") are many; its phases are few. */
export function debootstrapLine(suite: string, line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (/^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) \S+( \S+)?(\.\.\.)?$/.test(trimmed)) return undefined;
  return shorten(`${PREFIX} debootstrap ${suite}: ${trimmed}`);
}
