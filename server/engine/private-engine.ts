/**
 * Slipway's own engine: Debian's dockerd with every path under the state directory, so
 * it never touches a system engine. It is started detached and outlives Slipway, so
 * learners' sandboxes survive a Slipway restart; `npm run engine:stop` stops it.
 *
 * It keeps to itself and isolates: a user namespace for every container (a sandbox's root
 * is an unprivileged host uid, see remap-user.ts), a data root on a btrfs file system of its
 * own with per-container quotas (data-filesystem.ts), its own bridge and address range
 * (address-pool.ts), so a second Slipway's engine on the same machine never shares a
 * subnet, and the egress policy (egress.ts) on every session network's bridge.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chooseRange, engineAddresses, parseCidr, parseProcRoutes, type EngineAddresses } from './address-pool';
import { ensureDataFilesystem } from './data-filesystem';
import { buildBridgeName } from './egress';
import { ensureRemapUser, REMAP_USER, type IdRange } from './remap-user';

export interface PrivateEnginePaths {
  dir: string;
  socketPath: string;
  pidFile: string;
  logFile: string;
  dataRoot: string;
  /** The btrfs image the data root is mounted from. */
  dataImage: string;
  execRoot: string;
  /** The address range chosen at the first start, kept so later starts reuse it. */
  addressesFile: string;
}

export interface PrivateEngineSettings {
  /** SLIPWAY_SUBNET_POOL, when set. */
  subnetPool?: string;
  /** SLIPWAY_ENGINE_DISK, when set: the size of the data file system. */
  diskBytes?: number;
}

/** What the engine's setup decided, for the sandboxes it will run. */
export interface PrivateEngineLayout {
  /** Four hex digits naming this engine's bridges and firewall chains. */
  engineId: string;
  addresses: EngineAddresses;
  /** The host ids a container's 0… maps to. */
  remap: IdRange;
}

export function privateEnginePaths(stateDir: string): PrivateEnginePaths {
  const dir = path.join(stateDir, 'engine');
  return {
    dir,
    socketPath: path.join(dir, 'docker.sock'),
    pidFile: path.join(dir, 'dockerd.pid'),
    logFile: path.join(dir, 'dockerd.log'),
    dataRoot: path.join(dir, 'data'),
    dataImage: path.join(dir, 'data.btrfs'),
    execRoot: path.join(dir, 'exec'),
    addressesFile: path.join(dir, 'addresses.json'),
  };
}

/** Names this engine's bridges and chains; stable for an engine directory. */
export const engineIdFor = (engineDir: string) => createHash('sha256').update(path.resolve(engineDir)).digest('hex').slice(0, 4);

export function dockerdArguments(paths: PrivateEnginePaths, layout: PrivateEngineLayout): string[] {
  return [
    '--data-root', paths.dataRoot,
    '--exec-root', paths.execRoot,
    '--pidfile', paths.pidFile,
    '--host', `unix://${paths.socketPath}`,
    '--userns-remap', REMAP_USER,
    // Per-container quotas on the writable layer (data-filesystem.ts).
    '--storage-driver', 'btrfs',
    // Its own bridge for builds (docker0 may belong to another engine) and its own pool.
    '--bridge', buildBridgeName(layout.engineId),
    '--default-address-pool', `base=${layout.addresses.pool},size=${layout.addresses.subnetPrefix}`,
    // Container logs are rotated: a learner printing forever fills nothing.
    '--log-opt', 'max-size=1m',
    '--log-opt', 'max-file=2',
    '--log-level', 'warn',
  ];
}

/**
 * Everything the engine needs from the host before dockerd starts, made idempotently: the
 * remap user, the data file system, the address range and the build bridge.
 */
export function preparePrivateEngineHost(paths: PrivateEnginePaths, settings: PrivateEngineSettings, say: (line: string) => void): PrivateEngineLayout {
  if (process.getuid?.() !== 0) throw new Error("Slipway's private engine needs root (user namespaces, quotas, firewall rules); run as root, or set DOCKER_HOST");
  mkdirSync(paths.dir, { recursive: true });
  const engineId = engineIdFor(paths.dir);
  const remap = ensureRemapUser();
  ensureDataFilesystem({ image: paths.dataImage, mountPoint: paths.dataRoot }, settings.diskBytes, say);
  const addresses = chooseAddresses(paths, settings.subnetPool);
  ensureBridge(buildBridgeName(engineId), addresses.bridgeAddress);
  ensureTunUsable();
  return { engineId, addresses, remap };
}

function chooseAddresses(paths: PrivateEnginePaths, configured: string | undefined): EngineAddresses {
  const wanted = configured === undefined ? undefined : parseCidr(configured);
  if (configured !== undefined && !wanted) throw new Error(`SLIPWAY_SUBNET_POOL: expected an IPv4 range such as 10.201.0.0/16, not ${configured}`);
  const kept = existsSync(paths.addressesFile) ? parseCidr(JSON.parse(readFileSync(paths.addressesFile, 'utf8')).range as string) : null;
  if (kept && !wanted) return engineAddresses(kept);
  const range = chooseRange(path.resolve(paths.dir), parseProcRoutes(readFileSync('/proc/net/route', 'utf8')), wanted ?? undefined);
  const addresses = engineAddresses(range);
  writeFileSync(paths.addressesFile, `${JSON.stringify({ range: addresses.range })}\n`);
  return addresses;
}

/**
 * Sandboxes get the host's /dev/net/tun (rootless Podman's networking), which in a user
 * namespace keeps the host node's mode: 0666, as udev makes it on ordinary distributions
 * (a machine without udev leaves it 0600). Opening it lets a process create interfaces only in
 * network namespaces where it holds CAP_NET_ADMIN: a sandbox's own.
 */
function ensureTunUsable(): void {
  const tun = '/dev/net/tun';
  if (!existsSync(tun)) {
    mkdirSync('/dev/net', { recursive: true });
    if (spawnSync('mknod', ['-m', '0666', tun, 'c', '10', '200']).status !== 0) throw new Error(`could not create ${tun}`);
  }
  chmodSync(tun, 0o666);
}

function ensureBridge(name: string, address: string): void {
  const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
  if (ip('link', 'show', name).status !== 0) {
    const added = ip('link', 'add', 'name', name, 'type', 'bridge');
    if (added.status !== 0) throw new Error(`could not create the engine's bridge ${name}: ${added.stderr.trim()}`);
  }
  const shown = ip('-4', 'addr', 'show', 'dev', name).stdout;
  if (!shown.includes(` ${address} `)) {
    ip('addr', 'flush', 'dev', name);
    const assigned = ip('addr', 'add', address, 'dev', name);
    if (assigned.status !== 0) throw new Error(`could not give ${name} the address ${address}: ${assigned.stderr.trim()}`);
  }
  ip('link', 'set', name, 'up');
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
  layout: PrivateEngineLayout,
  answers: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<{ started: boolean }> {
  const wanted = dockerdArguments(paths, layout);
  const running = runningPid(paths);
  if (running !== null && runsWith(running, wanted) && (await waitUntil(answers, timeoutMs))) return { started: false };
  // Started by an older Slipway or with other settings (no user namespace, another range):
  // its containers could not be used as they are, so it is restarted with these.
  if (running !== null) await stopPrivateEngine(paths);
  if (!dockerdInstalled()) {
    throw new Error("dockerd is not installed. Install Debian's Docker Engine: apt-get install docker.io");
  }
  mkdirSync(paths.dataRoot, { recursive: true });
  mkdirSync(paths.execRoot, { recursive: true });
  rmSync(paths.socketPath, { force: true });
  const log = openSync(paths.logFile, 'a');
  const child = spawn('dockerd', wanted, { detached: true, stdio: ['ignore', log, log] });
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

function runsWith(pid: number, args: string[]): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return cmdline.slice(1).join(' ') === args.join(' ');
  } catch {
    return false;
  }
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
