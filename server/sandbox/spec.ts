/**
 * What a sandbox container is: names, labels and the container specification. Pure, so
 * the grants that isolate a learner are unit-tested and read in one place (docs/SECURITY.md
 * explains each, with the test that attacks it).
 *
 * The boundary is the user namespace the engine puts every container in (--userns-remap): a
 * sandbox's root is an unprivileged host uid, so what its capabilities reach is its own
 * namespaces, never the host's. On top of Docker's defaults it gets SYS_ADMIN and NET_ADMIN
 * (plus SYS_PTRACE, see below), which nested engines need and which count only inside that
 * namespace; a seccomp profile refusing what no lesson needs (seccomp.ts); character devices
 * only; a cgroup subtree of its own whose limits it cannot write (cgroups.ts); a quota on
 * its writable layer; and rotated logs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { DelegatedCgroup } from './cgroups';
import { seccompProfile } from './seccomp';

export const LABELS = {
  role: 'slipway.role',
  /** Which Slipway owns it: several (e.g. the tests') can share one engine. */
  instance: 'slipway.instance',
  node: 'slipway.node',
  network: 'slipway.network',
  image: 'slipway.image',
  /** The id of the sandbox's cgroup subtree (cgroups.ts), to find it again after a restart. */
  cgroup: 'slipway.cgroup',
  /** The reservation (a workshop's tag) a pre-started session was made for; it stays after the hand-over. */
  reservation: 'slipway.reservation',
} as const;

export const ROLE_SANDBOX = 'sandbox';
export const ROLE_NETWORK = 'network';
export const CATALOG_ALIAS = 'catalog.slipway';

const POOL_PREFIX = 'slipway-pool-';
const LEARNER_PREFIX = 'slipway-l-';
const RESERVED_PREFIX = 'slipway-r-';

/** A learner is known by a hash of their cookie token, never by the token itself. */
export function learnerKey(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export const newId = () => randomBytes(5).toString('hex');
export const poolContainerName = (id: string) => `${POOL_PREFIX}${id}`;
export const learnerContainerName = (key: string, node: string) => `${LEARNER_PREFIX}${key}-${node}`;
/** A node of pre-started session `id`, waiting for the learner its reservation is for. */
export const reservedContainerName = (id: string, node: string) => `${RESERVED_PREFIX}${id}-${node}`;
export const networkName = (id: string) => `slipway-net-${id}`;

export type ParsedContainerName =
  | { kind: 'pool' }
  | { kind: 'reserved'; session: string; node: string }
  | { kind: 'learner'; learner: string; node: string };

/** Reads a container name back: whose sandbox it is, or that it waits in the pool or a reservation. */
export function parseContainerName(name: string): ParsedContainerName | null {
  const bare = name.replace(/^\//, '');
  if (bare.startsWith(POOL_PREFIX)) return { kind: 'pool' };
  const reserved = /^slipway-r-([0-9a-f]{10})-(node\d+)$/.exec(bare);
  if (reserved) return { kind: 'reserved', session: reserved[1]!, node: reserved[2]! };
  const match = /^slipway-l-([0-9a-f]{16})-(node\d+)$/.exec(bare);
  return match ? { kind: 'learner', learner: match[1]!, node: match[2]! } : null;
}

export interface SandboxLimits {
  memoryBytes: number;
  storageBytes: number;
  cpus: number;
  pids: number;
  /** The quota on the sandbox's writable layer. */
  diskBytes: number;
}

/** What the engine offers beyond its defaults, decided once at start (see engine/isolation.ts). */
export interface SandboxIsolation {
  /** The sandbox's own cgroup subtree; null where none can be delegated. */
  cgroup: DelegatedCgroup | null;
  /**
   * The quota on the container's own file system, where the data root has quotas (the private
   * engine's btrfs): a quota group counts the image's shared bytes too, so this is the image's
   * size plus the sandbox's own allowance.
   */
  diskQuotaBytes: number | null;
}

/** Character devices a nested engine needs: null/zero/full/random/urandom, tty/console/ptmx, pts, tun, fuse. */
export const DEVICE_CGROUP_RULES = ['c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 5:1 rwm', 'c 5:2 rwm', 'c 136:* rwm', 'c 10:200 rwm', 'c 10:229 rwm'];

/** A sandbox runs at the OOM killer's front: under memory pressure it goes before Slipway and the engine. */
export const SANDBOX_OOM_SCORE_ADJ = 1000;

/** Engine API 1.41 has CgroupnsMode; dockerode's typings predate it. */
type HostConfig = Docker.HostConfig & { CgroupnsMode: 'private' | 'host' };

export function sandboxContainerSpec(options: {
  instance: string;
  name: string;
  image: string;
  network: string;
  node: string;
  limits: SandboxLimits;
  isolation: SandboxIsolation;
  /** The id of its cgroup subtree, kept as a label. */
  cgroupId?: string;
  /** The reservation it is pre-started for, kept as a label. */
  reservation?: string;
}): Docker.ContainerCreateOptions {
  const { limits, isolation } = options;
  const storage = `exec,size=${limits.storageBytes}`;
  const hostConfig: HostConfig = {
    NetworkMode: options.network,
    // SYS_PTRACE: nested runc joins the namespaces of processes owned by other users (`docker exec`
    // into a container that runs as a non-root user fails without it).
    CapAdd: ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'],
    SecurityOpt: [`seccomp=${seccompProfile()}`, 'apparmor=unconfined'],
    // The API form of `--security-opt systempaths=unconfined`: nested engines must write
    // their own network namespaces' /proc/sys. Host-global files there belong to host root,
    // which the user namespace does not map: they stay read-only to the sandbox.
    MaskedPaths: [],
    ReadonlyPaths: [],
    DeviceCgroupRules: DEVICE_CGROUP_RULES,
    // Rootless Podman's networking (pasta) needs a TUN device, and in a user namespace the
    // sandbox cannot make the node itself. Its interfaces live in the learner's own namespaces.
    Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
    // With a delegated subtree, the sandbox sees host cgroup paths, which match its mounts.
    CgroupnsMode: isolation.cgroup ? 'host' : 'private',
    ...(isolation.cgroup ? { CgroupParent: isolation.cgroup.cgroupParent, Binds: [isolation.cgroup.bind] } : {}),
    ...(isolation.diskQuotaBytes !== null ? { StorageOpt: { size: String(isolation.diskQuotaBytes) } } : {}),
    OomScoreAdj: SANDBOX_OOM_SCORE_ADJ,
    LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
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
      ...(options.cgroupId ? { [LABELS.cgroup]: options.cgroupId } : {}),
      ...(options.reservation ? { [LABELS.reservation]: options.reservation } : {}),
    },
    HostConfig: hostConfig,
    // The session's nodes reach each other by node name (`ping node2`, `swarm join node1:2377`).
    NetworkingConfig: { EndpointsConfig: { [options.network]: { Aliases: [options.node] } } },
  };
}

/** A session's network; `bridge` names its interface, which the egress policy matches (engine/egress.ts). */
export function networkSpec(name: string, instance: string, bridge?: string): Docker.NetworkCreateOptions {
  return {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { [LABELS.role]: ROLE_NETWORK, [LABELS.instance]: instance },
    ...(bridge ? { Options: { 'com.docker.network.bridge.name': bridge } } : {}),
  };
}
