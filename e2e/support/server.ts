/**
 * Starts a real Slipway server for a test file, on its own port, sharing the engine and
 * images that `npm test` prepared (same state directory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { E2E_INSTANCE } from './global-setup';

export interface RunningSlipway {
  url: string;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

let nextPort = 18_080 + (process.pid % 500) * 4;

export async function startSlipway(env: Record<string, string> = {}, port = nextPort++): Promise<RunningSlipway> {
  const child: ChildProcess = spawn('node_modules/.bin/tsx', ['server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SLIPWAY_INSTANCE: E2E_INSTANCE,
      SLIPWAY_POOL_SIZE: '1',
      // Room for the sessions earlier test files leave on the shared instance (they are adopted)
      // plus a three-node lesson and its pool.
      SLIPWAY_MAX_SANDBOXES: '20',
      // Each test's learners close their pages as it ends: past a minute, near the maximum,
      // their sessions make room for the next test's (a three-node lesson after a dozen tests).
      SLIPWAY_RECLAIM_GRACE: '60s',
      // Every test learner comes from 127.0.0.1: the per-client limits are tested on their own.
      SLIPWAY_MAX_SOCKETS_PER_CLIENT: '1000',
      SLIPWAY_SESSIONS_PER_MINUTE: '10000',
      SLIPWAY_ACTIONS_PER_MINUTE: '10000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Kept in a file too, so a failed run (in CI especially) shows what the server said.
  mkdirSync('test-results', { recursive: true });
  const log = createWriteStream(`test-results/slipway-${port}.log`, { flags: 'a' });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Slipway exited early (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  if (Date.now() >= deadline) throw new Error(`Slipway did not start within 120 s:\n${output}`);
  return {
    url,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
