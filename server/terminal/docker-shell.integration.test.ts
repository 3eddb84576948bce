/**
 * openDockerShell against a real engine. Runs only with SLIPWAY_TEST_DOCKER_HOST set
 * (unix:///path/docker.sock or tcp://host:port); uses SLIPWAY_TEST_IMAGE, else the first
 * slipway/sandbox or slipway/base image found. Creates one container named termtest-*.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DOCKER_HOST, connectTestEngine, findSandboxImage } from '../testing/engine';
import { openDockerShell } from './docker-shell';
import type { TerminalProcess } from './terminal-process';

/** A shell with its output gathered as text; bash with a prompt that its own echo cannot match. */
async function openShell(container: Docker.Container) {
  const shell = await openDockerShell(container, { cols: 100, rows: 30 });
  const decoder = new TextDecoder();
  const session = { shell, output: '', bytes: 0, exitCode: undefined as number | null | undefined };
  shell.onData((data) => {
    session.bytes += data.byteLength;
    session.output += decoder.decode(data, { stream: true });
  });
  shell.onExit((code) => (session.exitCode = code));
  shell.write("PS1='rea''dy> '\r");
  await vi.waitFor(() => expect(session.output).toContain('ready> '), { timeout: 10_000 });
  return session;
}

async function run(container: Docker.Container, script: string): Promise<string> {
  const exec = await container.exec({ Cmd: ['sh', '-c', script], AttachStdout: true, Tty: true });
  const stream = await exec.start({ hijack: true, Tty: true });
  let output = '';
  stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await new Promise((resolve) => stream.on('end', resolve));
  return output;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!TEST_DOCKER_HOST)('openDockerShell (real engine)', { timeout: 20_000 }, () => {
  let docker: Docker;
  let container: Docker.Container;
  const shells: TerminalProcess[] = [];

  beforeAll(async () => {
    docker = connectTestEngine();
    container = await docker.createContainer({
      name: `termtest-${process.pid}-${Date.now().toString(36)}`,
      Image: await findSandboxImage(docker),
      Cmd: ['sleep', 'infinity'],
      HostConfig: { Init: true },
    });
    await container.start();
  }, 60_000);

  afterAll(async () => {
    for (const shell of shells) shell.dispose();
    await container?.remove({ force: true });
  });

  it('runs a command and shows its output, at the size asked for', async () => {
    const session = await openShell(container);
    shells.push(session.shell);
    session.shell.write('echo hello-$((6*7)); stty size\r');
    await vi.waitFor(() => expect(session.output).toMatch(/hello-42\r\n30 100\r\n/));

    await session.shell.resize(120, 40);
    session.shell.write('stty size\r');
    await vi.waitFor(() => expect(session.output).toContain('40 120\r\n'));
  });

  it('throttles `yes` while paused, and lets it go on when resumed', async () => {
    const session = await openShell(container);
    shells.push(session.shell);
    session.shell.write('yes\r');
    // Polled with room: vitest runs other files (the fuzz tests) beside this one.
    await vi.waitFor(() => expect(session.bytes).toBeGreaterThan(256 * 1024), { timeout: 10_000 });

    session.shell.pause();
    await sleep(100);
    const paused = session.bytes;
    await sleep(500);
    expect(session.bytes - paused).toBe(0);

    session.shell.resume();
    await vi.waitFor(() => expect(session.bytes).toBeGreaterThan(paused + 256 * 1024), { timeout: 10_000 });
    session.shell.write('\x03');
  });

  it('returns to a prompt quickly after Ctrl-C during `yes`', async () => {
    const session = await openShell(container);
    shells.push(session.shell);
    session.shell.write('yes\r');
    await vi.waitFor(() => expect(session.bytes).toBeGreaterThan(256 * 1024));

    const interrupted = session.output.length;
    const started = performance.now();
    session.shell.write('\x03');
    await vi.waitFor(() => expect(session.output.slice(interrupted)).toMatch(/\^C\r\n.*ready> $/s), {
      timeout: 2000,
      interval: 5,
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports the exit code', async () => {
    const session = await openShell(container);
    session.shell.write('exit 3\r');
    await vi.waitFor(() => expect(session.exitCode).toBe(3));
    session.shell.dispose();
  });

  it('ends the shell and its jobs on dispose', async () => {
    const session = await openShell(container);
    session.shell.write('echo pid=$$; sleep 4242 & yes > /dev/null\r');
    await vi.waitFor(() => expect(session.output).toMatch(/pid=\d+\r\n/), { timeout: 10_000 });
    const pid = /pid=(\d+)\r\n/.exec(session.output)![1];
    // The quotes keep the marker out of this script's own command line, which the listing shows.
    const alive = `cat /proc/[0-9]*/cmdline | tr '\\0' ' '; grep -qs '^State:.*[RS]' /proc/${pid}/status && echo she''ll-alive`;
    await vi.waitFor(async () => expect(await run(container, alive)).toMatch(/sleep 4242.*yes.*shell-alive/s), { timeout: 10_000, interval: 200 });

    session.shell.dispose();
    await vi.waitFor(async () => expect(await run(container, alive)).not.toMatch(/sleep 4242|yes|shell-alive/), {
      timeout: 10_000,
      interval: 200,
    });
  });
});
