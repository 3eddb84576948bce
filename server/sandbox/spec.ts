/**
 * What a sandbox container is: names, labels and the container specification. Pure, so
 * the grants that isolate a learner are unit-tested and read in one place.
 *
 * The grants are the narrow Docker-in-Docker configuration measured in
 * ../shared/ENGINE-FACTS.md: no --privileged, only SYS_ADMIN and NET_ADMIN (plus SYS_PTRACE,
 * see below) on top of Docker's defaults, device access limited to character devices (so a learner cannot
 * open the host's disks), and the three unconfined security options nested engines need.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';

export const LABELS = {
  role: 'slipway.role',
  /** Which Slipway owns it: several (e.g. the tests') can share one engine. */
  instance: 'slipway.instance',
  node: 'slipway.node',
  network: 'slipway.network',
  image: 'slipway.image',
} as const;

export const ROLE_SANDBOX = 'sandbox';
export const ROLE_NETWORK = 'network';
export const CATALOG_ALIAS = 'catalog.slipway';

const POOL_PREFIX = 'slipway-pool-';
const LEARNER_PREFIX = 'slipway-l-';

/** A learner is known by a hash of their cookie token, never by the token itself. */
export function learnerKey(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export const newId = () => randomBytes(5).toString('hex');
export const poolContainerName = (id: string) => `${POOL_PREFIX}${id}`;
export const learnerContainerName = (key: string, node: string) => `${LEARNER_PREFIX}${key}-${node}`;
export const networkName = (id: string) => `slipway-net-${id}`;

/** Reads a container name back: whose sandbox it is, or that it waits in the pool. */
export function parseContainerName(name: string): { pool: true } | { pool: false; learner: string; node: string } | null {
  const bare = name.replace(/^\//, '');
  if (bare.startsWith(POOL_PREFIX)) return { pool: true };
  const match = /^slipway-l-([0-9a-f]{16})-(node\d+)$/.exec(bare);
  return match ? { pool: false, learner: match[1]!, node: match[2]! } : null;
}

export interface SandboxLimits {
  memoryBytes: number;
  storageBytes: number;
  cpus: number;
  pids: number;
}

/** Character devices a nested engine needs: mem/null/zero/random, tty/ptmx, pts, tun, fuse. */
export const DEVICE_CGROUP_RULES = ['c 1:* rwm', 'c 5:* rwm', 'c 136:* rwm', 'c 10:200 rwm', 'c 10:229 rwm'];

/** Engine API 1.41 has CgroupnsMode; dockerode's typings predate it. */
type HostConfig = Docker.HostConfig & { CgroupnsMode: 'private' | 'host' };

export function sandboxContainerSpec(options: {
  instance: string;
  name: string;
  image: string;
  network: string;
  node: string;
  limits: SandboxLimits;
}): Docker.ContainerCreateOptions {
  const { limits } = options;
  const storage = `exec,size=${limits.storageBytes}`;
  const hostConfig: HostConfig = {
    NetworkMode: options.network,
    // SYS_PTRACE: nested runc joins the namespaces of processes owned by other users (`docker exec`
    // into a container that runs as a non-root user fails without it).
    CapAdd: ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'],
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    // The API form of `--security-opt systempaths=unconfined`: nested engines must write
    // /proc/sys to set up their containers' networking.
    MaskedPaths: [],
    ReadonlyPaths: [],
    DeviceCgroupRules: DEVICE_CGROUP_RULES,
    CgroupnsMode: 'private',
    // The inner engine's storage must not be overlayfs (the host's overlay cannot nest);
    // a sized tmpfs is also the hard storage limit. Its pages count toward memory.
    Tmpfs: {
      '/run': 'rw,exec,size=64m',
      '/var/lib/docker': storage,
      '/var/lib/containers': storage,
    },
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    NanoCpus: Math.round(limits.cpus * 1e9),
    PidsLimit: limits.pids,
    RestartPolicy: { Name: 'no' },
  };
  return {
    name: options.name,
    Image: options.image,
    Hostname: options.node,
    WorkingDir: '/root',
    Labels: {
      [LABELS.role]: ROLE_SANDBOX,
      [LABELS.instance]: options.instance,
      [LABELS.node]: options.node,
      [LABELS.network]: options.network,
      [LABELS.image]: options.image,
    },
    HostConfig: hostConfig,
    // The session's nodes reach each other by node name (`ping node2`, `swarm join node1:2377`).
    NetworkingConfig: { EndpointsConfig: { [options.network]: { Aliases: [options.node] } } },
  };
}

export function networkSpec(name: string, instance: string): Docker.NetworkCreateOptions {
  return {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { [LABELS.role]: ROLE_NETWORK, [LABELS.instance]: instance },
  };
}
