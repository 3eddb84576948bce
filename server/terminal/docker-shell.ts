/**
 * A shell inside a container: an interactive `docker exec` with a TTY, over the hijacked
 * connection dockerode returns. Output is the raw TTY stream (no multiplexing with a TTY).
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { Emitter } from '../common/emitter';
import type { Disposable } from '../common/disposable';
import type { TerminalProcess } from './terminal-process';

export interface DockerShellOptions {
  cols: number;
  rows: number;
  /** Extra `NAME=value` entries, after (and so overriding) the terminal defaults. */
  env?: string[];
  cmd?: string[];
  workingDir?: string;
  user?: string;
}

const DEFAULT_CMD = ['bash', '-l'];
const TERMINAL_ENV = ['TERM=xterm-256color', 'COLORTERM=truecolor', 'LANG=C.UTF-8'];

/**
 * Marks a shell's environment so that it can be found again: the engine does not end an
 * exec whose connection closed (measured: the shell and its jobs live on), so dispose hangs
 * up on it as closing a real terminal would (the shell passes SIGHUP on to its jobs).
 */
const TERMINAL_ID_VARIABLE = 'SLIPWAY_TERMINAL_ID';

/** SIGHUP to the session leader (the exec'd process) whose environment carries id $1. */
const HANG_UP_SCRIPT = `
id="${TERMINAL_ID_VARIABLE}=$1"
for dir in /proc/[0-9]*; do
  pid=\${dir#/proc/}
  tr '\\0' '\\n' < "$dir/environ" 2>/dev/null | grep -qxF "$id" || continue
  read -r stat < "$dir/stat" || continue
  set -- \${stat##*) }
  [ "$4" = "$pid" ] && kill -HUP "$pid"
done
`;

/** The engine may report the exec as running for a moment after its stream ended. */
const EXIT_CODE_POLL_MS = 50;
const EXIT_CODE_POLL_ATTEMPTS = 20;

export async function openDockerShell(
  container: Docker.Container,
  options: DockerShellOptions,
): Promise<TerminalProcess> {
  const id = randomUUID();
  const exec = await container.exec({
    Cmd: options.cmd ?? DEFAULT_CMD,
    Env: [...TERMINAL_ENV, ...(options.env ?? []), `${TERMINAL_ID_VARIABLE}=${id}`],
    WorkingDir: options.workingDir,
    User: options.user,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    // Honoured from API 1.42; older engines ignore it and get the resize below.
    ConsoleSize: [options.rows, options.cols],
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const shell = new DockerShell(container, exec, stream, id);
  // Not awaited: the caller subscribes first. A shell that already exited reports it via onExit.
  shell.resize(options.cols, options.rows).catch(() => {});
  return shell;
}

class DockerShell implements TerminalProcess {
  readonly #data = new Emitter<Uint8Array>();
  readonly #exit = new Emitter<number | null>();
  /** Resizes are applied one after another, so the last one asked for is the one that holds. */
  #resizing: Promise<unknown> = Promise.resolve();
  #flowing = false;
  #ended = false;
  #disposed = false;

  constructor(
    private readonly container: Docker.Container,
    private readonly exec: Docker.Exec,
    private readonly stream: Duplex,
    private readonly id: string,
  ) {
    stream.on('end', this.#end);
    stream.on('close', this.#end);
    // A broken connection ends the shell as far as we can tell; inspect says how.
    stream.on('error', this.#end);
  }

  write(data: Uint8Array | string): void {
    if (!this.#ended && !this.#disposed) this.stream.write(data);
  }

  resize(cols: number, rows: number): Promise<void> {
    const resized = this.#resizing.then(() => this.exec.resize({ w: cols, h: rows }));
    this.#resizing = resized.catch(() => {});
    return resized.then(() => {});
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  onData(listener: (data: Uint8Array) => void): Disposable {
    const subscription = this.#data.event(listener);
    // The stream starts flowing only now, so no output (a first prompt) is emitted to nobody.
    if (!this.#flowing) {
      this.#flowing = true;
      this.stream.on('data', (chunk: Buffer) => this.#data.fire(chunk));
    }
    return subscription;
  }

  onExit(listener: (exitCode: number | null) => void): Disposable {
    return this.#exit.event(listener);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#data.dispose();
    this.#exit.dispose();
    this.stream.destroy();
    if (!this.#ended) this.#hangUp().catch(() => {
      // The container is gone or has no sh; either way there is no shell left to end.
    });
  }

  async #hangUp(): Promise<void> {
    const exec = await this.container.exec({ Cmd: ['sh', '-c', HANG_UP_SCRIPT, 'sh', this.id], User: 'root' });
    await exec.start({ Detach: true });
  }

  readonly #end = (): void => {
    if (this.#ended) return;
    this.#ended = true;
    void this.#exitCode().then((code) => this.#exit.fire(code));
  };

  async #exitCode(): Promise<number | null> {
    for (let attempt = 0; attempt < EXIT_CODE_POLL_ATTEMPTS && !this.#disposed; attempt++) {
      try {
        const info = await this.exec.inspect();
        if (!info.Running) return info.ExitCode;
      } catch {
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, EXIT_CODE_POLL_MS));
    }
    return null;
  }
}
