/**
 * Slipway's configuration, read once from the environment and validated, so that a typo
 * stops the server at start with a message naming the variable.
 */
import { freemem, totalmem } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from './log';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "512m", "3g", "1073741824" -> bytes. */
const byteSize = z
  .string()
  .regex(/^\d+(\.\d+)?[kmg]?$/i, 'expected a size such as 512m or 3g')
  .transform((text) => {
    const match = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(text)!;
    return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  });

/** "90s", "2h", "1500ms" -> milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, 'expected a duration such as 90s, 30m or 2h')
  .transform((text) => {
    const match = /^(\d+)(ms|s|m|h)$/.exec(text)!;
    return Number(match[1]) * DURATION_UNITS[match[2]!]!;
  });

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const Environment = z.object({
  PORT: count(1, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  SLIPWAY_STATE_DIR: z.string().min(1).default('.slipway'),
  SLIPWAY_INSTANCE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'expected lowercase letters, digits and dashes')
    .default('main'),
  DOCKER_HOST: z.string().min(1).optional(),
  /** Default: as many as fit in the machine's memory at an active sandbox's working set (see defaultMaxSandboxes). */
  SLIPWAY_MAX_SANDBOXES: count(1, 1000).optional(),
  SLIPWAY_POOL_SIZE: count(0, 50).default(2),
  SLIPWAY_MAX_NODES: count(1, 9).default(5),
  /** Whether the kernel has IPVS (swarm routing mesh): detected (auto), or forced on/off. */
  SLIPWAY_IPVS: z.enum(['auto', 'on', 'off']).default('auto'),
  SLIPWAY_IDLE_TIMEOUT: duration.prefault('2h'),
  /** A session is released this long after it began, even while its page is open. */
  SLIPWAY_MAX_SESSION_LIFETIME: duration.prefault('8h'),
  /** Near the maximum, a session whose page has been closed this long is released first. */
  SLIPWAY_RECLAIM_GRACE: duration.prefault('10m'),
  SLIPWAY_SANDBOX_MEMORY: byteSize.prefault('3g'),
  SLIPWAY_SANDBOX_STORAGE: byteSize.prefault('4g'),
  SLIPWAY_SANDBOX_CPUS: z.coerce.number().positive().max(64).default(1),
  SLIPWAY_SANDBOX_PIDS: count(64, 1_000_000).default(2048),
  /** The quota on a sandbox's own writable layer (its root file system), where the engine supports it. */
  SLIPWAY_SANDBOX_DISK: byteSize.prefault('2g'),
  /** The size of the private engine's data file system (every image and sandbox together). */
  SLIPWAY_ENGINE_DISK: byteSize.optional(),
  /** What sandboxes reach beyond their own session: the public internet, or nothing. */
  SLIPWAY_EGRESS: z.enum(['internet', 'none']).default('internet'),
  /** The private engine's address range (a /8 to a /20); chosen free of the host's routes when unset. */
  SLIPWAY_SUBNET_POOL: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'expected an IPv4 range such as 10.201.0.0/16').optional(),
  /** Use an engine that does not run containers in user namespaces (learners are root on its host). */
  SLIPWAY_ALLOW_UNISOLATED_ENGINE: z.enum(['0', '1']).default('0').transform((flag) => flag === '1'),
  /** Extra origins allowed to open the WebSocket, comma separated (the page's own is always allowed). */
  SLIPWAY_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((text) => text.split(',').map((origin) => origin.trim()).filter(Boolean)),
  /** The address learners open (`https://slipway.example`): its host and origin are accepted. */
  SLIPWAY_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Extra host names Slipway answers to, comma separated (localhost and this machine's are always). */
  SLIPWAY_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) => text.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean)),
  /** Whether the learner cookie is `Secure`: auto = when the public URL or the proxy says https. */
  SLIPWAY_COOKIE_SECURE: z.enum(['auto', 'on', 'off']).default('auto'),
  /** The least important log lines written (JSON lines on stdout). */
  SLIPWAY_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** A port of its own for port previews, so a previewed app is cross-origin with Slipway. */
  SLIPWAY_PREVIEW_PORT: count(1, 65535).optional(),
  /** Per client address: open sockets at once, new sessions and resets/node additions per minute. */
  SLIPWAY_MAX_SOCKETS_PER_CLIENT: count(1, 10_000).default(10),
  SLIPWAY_SESSIONS_PER_MINUTE: count(1, 100_000).default(30),
  SLIPWAY_ACTIONS_PER_MINUTE: count(1, 100_000).default(12),
  SLIPWAY_JOINS_PER_MINUTE: count(1, 100_000).default(10),
  /** The trainer's token; made once and kept in the state directory when unset. */
  SLIPWAY_TRAINER_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{24,128}$/, 'expected 24 to 128 letters, digits, "-" or "_"').optional(),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const result = Environment.safeParse(withoutEmpty(env));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const values = result.data;
  const stateDir = path.resolve(values.SLIPWAY_STATE_DIR);
  return {
    port: values.PORT,
    host: values.HOST,
    stateDir,
    instance: values.SLIPWAY_INSTANCE,
    dockerHost: values.DOCKER_HOST,
    maxSandboxes: values.SLIPWAY_MAX_SANDBOXES ?? defaultMaxSandboxes(totalmem()),
    poolSize: values.SLIPWAY_POOL_SIZE,
    maxNodes: values.SLIPWAY_MAX_NODES,
    ipvs: values.SLIPWAY_IPVS,
    idleTimeoutMs: values.SLIPWAY_IDLE_TIMEOUT,
    maxLifetimeMs: values.SLIPWAY_MAX_SESSION_LIFETIME,
    reclaimGraceMs: values.SLIPWAY_RECLAIM_GRACE,
    sandbox: {
      memoryBytes: values.SLIPWAY_SANDBOX_MEMORY,
      storageBytes: values.SLIPWAY_SANDBOX_STORAGE,
      cpus: values.SLIPWAY_SANDBOX_CPUS,
      pids: values.SLIPWAY_SANDBOX_PIDS,
      diskBytes: values.SLIPWAY_SANDBOX_DISK,
    },
    engine: {
      dockerHost: values.DOCKER_HOST,
      stateDir,
      egress: values.SLIPWAY_EGRESS,
      subnetPool: values.SLIPWAY_SUBNET_POOL,
      diskBytes: values.SLIPWAY_ENGINE_DISK,
      allowUnisolated: values.SLIPWAY_ALLOW_UNISOLATED_ENGINE,
    },
    allowedOrigins: values.SLIPWAY_ALLOWED_ORIGINS,
    publicUrl: values.SLIPWAY_PUBLIC_URL,
    allowedHosts: values.SLIPWAY_ALLOWED_HOSTS,
    cookieSecure: values.SLIPWAY_COOKIE_SECURE,
    logLevel: values.SLIPWAY_LOG_LEVEL,
    previewPort: values.SLIPWAY_PREVIEW_PORT,
    clientLimits: {
      maxSockets: values.SLIPWAY_MAX_SOCKETS_PER_CLIENT,
      sessionsPerMinute: values.SLIPWAY_SESSIONS_PER_MINUTE,
      actionsPerMinute: values.SLIPWAY_ACTIONS_PER_MINUTE,
      joinsPerMinute: values.SLIPWAY_JOINS_PER_MINUTE,
    },
    trainerToken: values.SLIPWAY_TRAINER_TOKEN,
  };
}

const MIB = 1024 ** 2;
/** What an active sandbox (engine, shell, a few small containers) holds, measured at 40-160 MiB. */
const ACTIVE_SANDBOX_BYTES = 160 * MIB;

/** Memory the host keeps for itself, Slipway and the engine before any sandbox: admission refuses below it. */
export const memoryReserve = (total: number) => Math.max(1024 * MIB, Math.round(total * 0.1));

export function defaultMaxSandboxes(total: number): number {
  return Math.min(1000, Math.max(1, Math.floor((total - memoryReserve(total)) / ACTIVE_SANDBOX_BYTES)));
}

/** Whether the machine has room for one more sandbox now: memory available beyond the reserve. */
export function memoryAllowsAnotherSandbox(available = freemem(), total = totalmem()): boolean {
  return available - ACTIVE_SANDBOX_BYTES >= memoryReserve(total);
}

/** An empty variable (`PORT=`) means "not set", as shells and .env files usually intend. */
function withoutEmpty(env: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}
