/**
 * Slipway's own engine: Debian's dockerd with every path under the state directory, so
 * it never touches a system engine. It is started detached and outlives Slipway, so
 * learners' sandboxes survive a Slipway restart; `npm run engine:stop` stops it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PrivateEnginePaths {
  dir: string;
  socketPath: string;
  pidFile: string;
  logFile: string;
  dataRoot: string;
  execRoot: string;
}

export function privateEnginePaths(stateDir: string): PrivateEnginePaths {
  const dir = path.join(stateDir, 'engine');
  return {
    dir,
    socketPath: path.join(dir, 'docker.sock'),
    pidFile: path.join(dir, 'dockerd.pid'),
    logFile: path.join(dir, 'dockerd.log'),
    dataRoot: path.join(dir, 'data'),
    execRoot: path.join(dir, 'exec'),
  };
}

export function dockerdArguments(paths: PrivateEnginePaths): string[] {
  return [
    '--data-root', paths.dataRoot,
    '--exec-root', paths.execRoot,
    '--pidfile', paths.pidFile,
    '--host', `unix://${paths.socketPath}`,
    // Sandboxes live on networks of their own; the default bridge is only used by builds.
    '--log-level', 'warn',
  ];
}

export function runningPid(paths: PrivateEnginePaths): number | null {
  if (!existsSync(paths.pidFile)) return null;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export function dockerdInstalled(): boolean {
  const searchPath = (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/usr/bin');
  return searchPath.some((dir) => dir && existsSync(path.join(dir, 'dockerd')));
}

/**
 * Starts dockerd unless it already runs, then waits until `answers` says it is ready.
 * Throws with the tail of dockerd's log when it does not come up.
 */
export async function startPrivateEngine(
  paths: PrivateEnginePaths,
  answers: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<{ started: boolean }> {
  if (runningPid(paths) !== null && (await waitUntil(answers, timeoutMs))) return { started: false };
  if (!dockerdInstalled()) {
    throw new Error("dockerd is not installed. Install Debian's Docker Engine: apt-get install docker.io");
  }
  mkdirSync(paths.dataRoot, { recursive: true });
  mkdirSync(paths.execRoot, { recursive: true });
  rmSync(paths.socketPath, { force: true });
  const log = openSync(paths.logFile, 'a');
  const child = spawn('dockerd', dockerdArguments(paths), { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  if (await waitUntil(answers, timeoutMs)) return { started: true };
  throw new Error(`Slipway's private engine did not start within ${timeoutMs / 1000} s.\n${logTail(paths)}`);
}

export async function stopPrivateEngine(paths: PrivateEnginePaths, timeoutMs = 30_000): Promise<boolean> {
  const pid = runningPid(paths);
  if (pid === null) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (runningPid(paths) === null) return true;
    await sleep(200);
  }
  process.kill(pid, 'SIGKILL');
  return true;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(150);
  }
  return false;
}

function logTail(paths: PrivateEnginePaths): string {
  if (!existsSync(paths.logFile)) return '(dockerd wrote no log)';
  const lines = readFileSync(paths.logFile, 'utf8').trimEnd().split('\n');
  return `Last lines of ${paths.logFile}:\n${lines.slice(-15).join('\n')}`;
}
