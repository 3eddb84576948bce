/**
 * Figures that split the browser measurements into their parts, taken without a browser:
 * the engine's exec stream alone (what the server receives) and the server's screen mirror
 * (a headless xterm) alone.
 */
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import xtermHeadless from '@xterm/headless';

const { Terminal: HeadlessTerminal } = xtermHeadless;

async function openExec(container: Docker.Container, cmd: string[]): Promise<Duplex> {
  const exec = await container.exec({
    Cmd: cmd,
    Env: ['TERM=xterm-256color', 'LANG=C.UTF-8'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    ConsoleSize: [30, 120],
  });
  return exec.start({ hijack: true, stdin: true, Tty: true });
}

function waitFor(stream: Duplex, test: (chunk: Buffer) => boolean, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error('exec stream: timed out'));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      if (!test(chunk)) return;
      clearTimeout(timer);
      stream.off('data', onData);
      resolve(performance.now());
    };
    stream.on('data', onData);
  });
}

/** Milliseconds from creating a `bash -l` exec until its prompt arrives (what a page's shell start costs). */
export async function execPrompt(container: Docker.Container): Promise<number> {
  const start = performance.now();
  const stream = await openExec(container, ['bash', '-l']);
  try {
    return (await waitFor(stream, (chunk) => chunk.toString('latin1').includes('# '), 30_000)) - start;
  } finally {
    stream.write('exit\r');
    stream.destroy();
  }
}

/** Keystroke echo through a bash on the engine's exec stream, as the server sees it (ms each). */
export async function execEcho(container: Docker.Container, count: number): Promise<number[]> {
  const stream = await openExec(container, ['bash', '-l']);
  try {
    await waitFor(stream, (chunk) => chunk.toString('latin1').includes('# '), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      if (i % 40 === 0) {
        stream.write('\x15');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const code = 97 + (i % 26);
      const echoed = waitFor(stream, (chunk) => chunk.includes(code));
      const start = performance.now();
      stream.write(String.fromCharCode(code));
      times.push((await echoed) - start);
    }
    return times;
  } finally {
    stream.destroy();
  }
}

/** Runs `command` on a TTY exec and reads its output as fast as the engine gives it. */
export async function execThroughput(container: Docker.Container, command: string): Promise<{ ms: number; bytes: number }> {
  const stream = await openExec(container, ['sh', '-c', command]);
  let bytes = 0;
  const start = performance.now();
  stream.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
  await new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  return { ms: performance.now() - start, bytes };
}

/**
 * How fast the server's mirror (a headless xterm, same scrollback) parses `total` bytes of
 * `line`s, kept at most about 1 MiB ahead of the parser as the mirror is.
 */
export function headlessParse(line: string, total: number, cols = 120, rows = 30): Promise<{ ms: number; bytes: number }> {
  const terminal = new HeadlessTerminal({ cols, rows, scrollback: 1000, allowProposedApi: true });
  const chunk = Buffer.from(line.repeat(Math.ceil((64 * 1024) / line.length)));
  const inFlight = Math.ceil((1024 * 1024) / chunk.byteLength);
  let written = 0;
  let parsed = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const more = () => {
      while (written < total && written - parsed < inFlight * chunk.byteLength) {
        written += chunk.byteLength;
        terminal.write(chunk, () => {
          parsed += chunk.byteLength;
          if (parsed >= written && written >= total) {
            resolve({ ms: performance.now() - start, bytes: written });
            terminal.dispose();
          } else more();
        });
      }
    };
    more();
  });
}
