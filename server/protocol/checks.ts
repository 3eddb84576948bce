/**
 * Declarative checks: what a lesson step expects of the learner's engine or shell.
 * Lessons write them as YAML in ```check blocks; every schema is strict so that a typo in a
 * field name is an error with a line number rather than a check that silently passes. Part
 * of the protocol because a lesson's steps carry them to the page (`LessonDetail`).
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { FIRST_NODE, NodeName } from './nodes';

const regexSource = lazySchema(() =>
  z.string().refine(
    (source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  ),
);

/** "8080->80/tcp", "8080->80" (tcp), "80/tcp" (published on any host port). */
export const PortSpec = lazySchema(() =>
  z
    .string()
    .regex(/^(\d{1,5}->)?\d{1,5}(\/(tcp|udp|sctp))?$/, 'expected a port such as 8080->80/tcp or 80/tcp'),
);

/** "data->/var/lib/data" (volume), "/srv/site->/usr/share/nginx/html" (bind), or just "/data". */
export const MountSpec = lazySchema(() =>
  z
    .string()
    .regex(/^([^\s]+->)?\/[^\s]*$/, 'expected a mount such as myvolume->/data, /host/dir->/data or /data'),
);

/**
 * Durations and sizes stay text in the parsed check ("5s", "80m") so that a Lesson survives a
 * JSON round trip through the same schema; `durationMs` and `byteSize` convert them.
 */
const DURATION = /^(\d+)(ms|s|m|h)$/;
const SIZE = /^(\d+(?:\.\d+)?)([kmg]?)$/i;
export const Duration = lazySchema(() => z.string().regex(DURATION, 'expected a duration such as 5s or 1500ms'));
export const ByteSize = lazySchema(() =>
  z.union([
    z.number().int().nonnegative(),
    z.string().regex(SIZE, 'expected a size such as 80m or 1g'),
  ]),
);

export function durationMs(text: string): number {
  const [, amount, unit] = DURATION.exec(text) ?? [];
  if (amount === undefined) throw new Error(`not a duration: "${text}"`);
  return Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
}

export function byteSize(text: string | number): number {
  if (typeof text === 'number') return text;
  const [, amount, unit] = SIZE.exec(text) ?? [];
  if (amount === undefined) throw new Error(`not a size: "${text}"`);
  return Math.round(Number(amount) * 1024 ** ['', 'k', 'm', 'g'].indexOf(unit!.toLowerCase()));
}

const Bounds = <T extends z.ZodType>(value: T) =>
  z.strictObject({ min: value.optional(), max: value.optional() });

const base = {
  /** What the learner is asked to do, shown beside the verdict; a default is derived otherwise. */
  title: z.string().min(1).optional(),
  /** Which sandbox node's engine or shell the check looks at. */
  node: NodeName.default(FIRST_NODE),
};

const CommandCheck = lazySchema(() =>
  z
    .strictObject({
      ...base,
      type: z.literal('command'),
      /** A regular expression the command line must match (whitespace is normalized first). */
      matches: regexSource.optional(),
      /** A literal the command line must contain. */
      contains: z.string().min(1).optional(),
      exitCode: z.number().int().min(0).max(255).optional(),
      /** true: exit code 0; false: any other exit code. */
      succeeded: z.boolean().optional(),
    })
    .refine((check) => (check.matches === undefined) !== (check.contains === undefined), {
      message: 'a command check needs exactly one of "matches" or "contains"',
    }),
);

const ContainerStatus = lazySchema(() => z.enum(['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead']));
const RestartPolicy = lazySchema(() => z.enum(['no', 'always', 'unless-stopped', 'on-failure']));

const ContainerCheck = lazySchema(() =>
  z
    .strictObject({
      ...base,
      type: z.literal('container'),
      /** Selects the container by name; without a name, any container of `image` may satisfy the check. */
      name: z.string().min(1).optional(),
      image: z.string().min(1).optional(),
      exists: z.boolean().default(true),
      status: ContainerStatus.optional(),
      exitCode: z.number().int().optional(),
      ports: z.array(PortSpec).optional(),
      networks: z.array(z.string().min(1)).optional(),
      mounts: z.array(MountSpec).optional(),
      /** "KEY=value" must be set exactly; "KEY" must merely be set. */
      env: z.array(z.string().min(1)).optional(),
      labels: z.record(z.string(), z.string()).optional(),
      restartPolicy: RestartPolicy.optional(),
    })
    .refine((check) => check.name !== undefined || check.image !== undefined, {
      message: 'a container check needs a "name" or an "image"',
    }),
);

const ImageCheck = lazySchema(() =>
  z.strictObject({
    ...base,
    type: z.literal('image'),
    /** "repository[:tag]"; the tag defaults to latest, as in the Docker CLI. */
    ref: z.string().min(1),
    exists: z.boolean().default(true),
    /** Multi-stage builds leave no trace of their stage: mark it with a LABEL and check that here. */
    labels: z.record(z.string(), z.string()).optional(),
    layers: Bounds(z.number().int().nonnegative()).optional(),
    size: Bounds(ByteSize).optional(),
  }),
);

const NetworkCheck = lazySchema(() =>
  z.strictObject({
    ...base,
    type: z.literal('network'),
    name: z.string().min(1),
    exists: z.boolean().default(true),
    driver: z.string().min(1).optional(),
    /** Names of containers that must be attached. */
    containers: z.array(z.string().min(1)).optional(),
  }),
);

const VolumeCheck = lazySchema(() =>
  z.strictObject({
    ...base,
    type: z.literal('volume'),
    name: z.string().min(1),
    exists: z.boolean().default(true),
    /** Names of containers that must mount the volume. */
    usedBy: z.array(z.string().min(1)).optional(),
  }),
);

/** The Engine API's UpdateStatus.State values. */
export const UPDATE_STATES = ['updating', 'paused', 'completed', 'rollback_started', 'rollback_paused', 'rollback_completed'] as const;

const SwarmCheck = lazySchema(() =>
  z.strictObject({
    ...base,
    type: z.literal('swarm'),
    active: z.boolean().default(true),
    /** Counts of ready nodes by role, as seen from this (manager) node. */
    managers: z.number().int().nonnegative().optional(),
    workers: z.number().int().nonnegative().optional(),
  }),
);

const SwarmNodeCheck = lazySchema(() =>
  z.strictObject({
    ...base,
    type: z.literal('node'),
    /** The swarm node's hostname (sandbox nodes are called node1, node2, ...). */
    name: z.string().min(1),
    role: z.enum(['manager', 'worker']).optional(),
    availability: z.enum(['active', 'pause', 'drain']).optional(),
    state: z.enum(['ready', 'down', 'unknown', 'disconnected']).optional(),
    leader: z.boolean().optional(),
  }),
);

const ServiceCheck = lazySchema(() =>
  z.strictObject({
    ...base,
    type: z.literal('service'),
    name: z.string().min(1),
    exists: z.boolean().default(true),
    image: z.string().min(1).optional(),
    mode: z.enum(['replicated', 'global']).optional(),
    /** Tasks that are running now (not merely desired). */
    replicas: z.number().int().nonnegative().optional(),
    /** Published ports, "8080->80/tcp". */
    ports: z.array(PortSpec).optional(),
    networks: z.array(z.string().min(1)).optional(),
    update: z
      .strictObject({
        parallelism: z.number().int().nonnegative().optional(),
        delay: Duration.optional(),
        /** Where the last update stands, as `docker service inspect` shows UpdateStatus.State. */
        state: z.enum(UPDATE_STATES).optional(),
      })
      .optional(),
  }),
);

const FileCheck = lazySchema(() =>
  z
    .strictObject({
      ...base,
      type: z.literal('file'),
      path: z.string().regex(/^\//, 'expected an absolute path'),
      /** Look inside this container instead of the node's own shell. */
      container: z.string().min(1).optional(),
      exists: z.boolean().default(true),
      contains: z.string().min(1).optional(),
      matches: regexSource.optional(),
    })
    .refine((check) => check.exists || (check.contains === undefined && check.matches === undefined), {
      message: 'a file that must not exist cannot be expected to contain anything',
    }),
);

const ScriptCheck = lazySchema(() =>
  z.strictObject({
    ...base,
    type: z.literal('script'),
    /** A shell snippet run on the node: exit 0 passes; otherwise its output is the reason shown. */
    run: z.string().min(1),
    /** Shown instead of the script's output when it fails: how a translation words the reason. */
    reason: z.string().min(1).optional(),
    timeout: Duration.default('10s'),
  }),
);

/** One schema per check type, so that errors name the fields of the type the author meant. */
export const CHECK_SCHEMAS = {
  command: CommandCheck,
  container: ContainerCheck,
  image: ImageCheck,
  network: NetworkCheck,
  volume: VolumeCheck,
  swarm: SwarmCheck,
  node: SwarmNodeCheck,
  service: ServiceCheck,
  file: FileCheck,
  script: ScriptCheck,
} as const;

export type CheckType = keyof typeof CHECK_SCHEMAS;
export const CHECK_TYPES = Object.keys(CHECK_SCHEMAS) as CheckType[];

export const Check = lazySchema(() =>
  z.discriminatedUnion('type', [
    CommandCheck,
    ContainerCheck,
    ImageCheck,
    NetworkCheck,
    VolumeCheck,
    SwarmCheck,
    SwarmNodeCheck,
    ServiceCheck,
    FileCheck,
    ScriptCheck,
  ]),
);
export type Check = z.infer<typeof Check>;
export type CheckOf<T extends CheckType> = Extract<Check, { type: T }>;

export function isCheckType(value: unknown): value is CheckType {
  return typeof value === 'string' && Object.hasOwn(CHECK_SCHEMAS, value);
}
