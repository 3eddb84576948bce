/**
 * A cgroup v1 subtree of its own for every sandbox, so that its nested engine can give each
 * nested container a cgroup (per-container `docker stats`, nested `--memory` and
 * `--pids-limit`) while the sandbox's own limits sit where the learner cannot write them.
 * The recipe is the one measured in ENGINE-FACTS.md ("Delegating a cgroup v1 subtree"):
 *
 * 1. per hierarchy, a parent `/<name>` holding the sandbox's limits, written by host root;
 * 2. that directory and its `cgroup.procs` and `tasks` (nothing else) owned by the sandbox's
 *    remapped root, so its engine can make children but never change the parent's limits;
 * 3. each parent bind-mounted under `/run/slipway-cg/<name>/<hierarchy>`, given to the sandbox
 *    as its /sys/fs/cgroup (with `--cgroup-parent=/<name>` and `--cgroupns=host`, so the
 *    paths it reads in /proc/self/cgroup match the mounts' roots).
 *
 * One `CgroupDelegation` owns every subtree of one Slipway and releases each in `release`.
 * What to write is decided by the pure `parentSettings`.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxLimits } from './spec';

const CGROUP_ROOT = '/sys/fs/cgroup';
const MOUNT_ROOT = '/run/slipway-cg';

/**
 * Devices a sandbox may use: null, zero, full, random, urandom, tty, console, ptmx, the
 * pseudo-terminals, tun (rootless networking) and fuse. `m` (mknod) on all, which in a user
 * namespace the kernel refuses anyway for real devices. Never a block device, never
 * /dev/mem or /dev/kmsg. Docker's own defaults for the sandbox's container fit inside.
 */
export const SANDBOX_DEVICES = [
  'c *:* m',
  'b *:* m',
  'c 1:3 rwm',
  'c 1:5 rwm',
  'c 1:7 rwm',
  'c 1:8 rwm',
  'c 1:9 rwm',
  'c 5:0 rwm',
  'c 5:1 rwm',
  'c 5:2 rwm',
  'c 136:* rwm',
  'c 10:200 rwm',
  'c 10:229 rwm',
];

export interface Hierarchy {
  /** The directory under /sys/fs/cgroup, e.g. "memory" or "cpu,cpuacct". */
  dir: string;
  subsystems: string[];
}

/** The cgroup v1 hierarchies mounted under /sys/fs/cgroup, from /proc/self/mountinfo. */
export function cgroupV1Hierarchies(mountinfo: string): Hierarchy[] {
  const hierarchies: Hierarchy[] = [];
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    if (separator < 0 || fields[separator + 1] !== 'cgroup') continue;
    const point = fields[4] ?? '';
    if (path.dirname(point) !== CGROUP_ROOT || fields[3] !== '/') continue;
    const subsystems = (fields[separator + 3] ?? '').split(',').filter((option) => option !== 'rw' && option !== 'ro');
    hierarchies.push({ dir: path.basename(point), subsystems });
  }
  return hierarchies;
}

/** The files to write in a hierarchy's parent cgroup, in order, from the root's own values. */
export function parentSettings(hierarchy: Hierarchy, limits: SandboxLimits, root: { cpus: string; mems: string }): Array<[string, string]> {
  const settings: Array<[string, string]> = [];
  for (const subsystem of hierarchy.subsystems) {
    switch (subsystem) {
      case 'cpuset':
        // A cpuset cgroup takes no process before it has CPUs and memory nodes.
        settings.push(['cpuset.cpus', root.cpus], ['cpuset.mems', root.mems]);
        break;
      case 'memory':
        settings.push(['memory.limit_in_bytes', String(limits.memoryBytes)]);
        break;
      case 'pids':
        settings.push(['pids.max', String(limits.pids)]);
        break;
      case 'cpu':
        settings.push(['cpu.cfs_period_us', '100000'], ['cpu.cfs_quota_us', String(Math.round(limits.cpus * 100_000))]);
        break;
      case 'devices':
        settings.push(['devices.deny', 'a'], ...SANDBOX_DEVICES.map((rule): [string, string] => ['devices.allow', rule]));
        break;
    }
  }
  return settings;
}

export interface DelegationOptions {
  /** Cgroup names start with this, so a sweep finds its own and only its own. */
  prefix: string;
  owner: { uid: number; gid: number };
  limits: SandboxLimits;
  log?: (line: string) => void;
}

/** The parts of a sandbox's container spec that hand it its subtree. */
export interface DelegatedCgroup {
  cgroupParent: string;
  bind: string;
}

export class CgroupDelegation {
  readonly #hierarchies: Hierarchy[];

  constructor(private readonly options: DelegationOptions) {
    this.#hierarchies = cgroupV1Hierarchies(readFileSync('/proc/self/mountinfo', 'utf8'));
  }

  /** Whether this machine has cgroup v1 hierarchies to delegate (not so on a pure cgroup v2 host). */
  static available(): boolean {
    return process.getuid?.() === 0 && cgroupV1Hierarchies(readFileSync('/proc/self/mountinfo', 'utf8')).length > 0;
  }

  nameFor(id: string): string {
    return `${this.options.prefix}${id}`;
  }

  /** Makes the subtree for sandbox `id` (idempotently, so adoption after a reboot can call it too). */
  prepare(id: string): DelegatedCgroup {
    const name = this.nameFor(id);
    const mounts = path.join(MOUNT_ROOT, name);
    mkdirSync(mounts, { recursive: true, mode: 0o755 });
    const root = {
      cpus: readFileSync(path.join(CGROUP_ROOT, 'cpuset', 'cpuset.cpus'), 'utf8').trim(),
      mems: readFileSync(path.join(CGROUP_ROOT, 'cpuset', 'cpuset.mems'), 'utf8').trim(),
    };
    const { uid, gid } = this.options.owner;
    for (const hierarchy of this.#hierarchies) {
      const parent = path.join(CGROUP_ROOT, hierarchy.dir, name);
      const fresh = !existsSync(parent);
      mkdirSync(parent, { recursive: true });
      if (fresh) for (const [file, value] of parentSettings(hierarchy, this.options.limits, root)) writeFileSync(path.join(parent, file), value);
      for (const entry of ['', 'cgroup.procs', 'tasks']) chownSync(path.join(parent, entry), uid, gid);
      const target = path.join(mounts, hierarchy.dir);
      mkdirSync(target, { recursive: true });
      if (!isMountPoint(target)) run('mount', ['--bind', parent, target]);
    }
    // The host's aliases (cpu -> cpu,cpuacct on machines that co-mount them).
    for (const entry of readdirSync(CGROUP_ROOT)) {
      const alias = path.join(CGROUP_ROOT, entry);
      if (lstatSync(alias).isSymbolicLink() && !existsSync(path.join(mounts, entry))) symlinkSync(readlinkSync(alias), path.join(mounts, entry));
    }
    return { cgroupParent: `/${name}`, bind: `${mounts}:${CGROUP_ROOT}:rw` };
  }

  /**
   * Removes sandbox `id`'s subtree once its container is gone: the bind mounts, then every
   * cgroup below the parent, deepest first (the nested engine's leave empty directories).
   */
  async release(id: string): Promise<void> {
    const name = this.nameFor(id);
    const mounts = path.join(MOUNT_ROOT, name);
    for (const hierarchy of this.#hierarchies) {
      const target = path.join(mounts, hierarchy.dir);
      if (isMountPoint(target)) run('umount', ['--lazy', target]);
    }
    spawnSync('rm', ['-rf', '--one-file-system', mounts]);
    for (const hierarchy of this.#hierarchies) {
      const parent = path.join(CGROUP_ROOT, hierarchy.dir, name);
      if (existsSync(parent)) await removeCgroupTree(parent, this.options.log);
    }
  }

  /** Releases every subtree of this Slipway whose sandbox id is not in `keep` (left by a crash or a test). */
  async sweep(keep: ReadonlySet<string>): Promise<void> {
    const ids = new Set<string>();
    for (const hierarchy of this.#hierarchies) {
      for (const entry of readdirSync(path.join(CGROUP_ROOT, hierarchy.dir))) {
        // Exactly prefix + id: instance "main" must not sweep instance "main-2"'s subtrees.
        const id = entry.slice(this.options.prefix.length);
        if (entry.startsWith(this.options.prefix) && /^[0-9a-f]{10}$/.test(id)) ids.add(id);
      }
    }
    for (const id of ids) if (!keep.has(id)) await this.release(id);
  }
}

/** rmdir of a cgroup fails while a process is still leaving it; the container was just removed. */
async function removeCgroupTree(dir: string, log?: (line: string) => void): Promise<void> {
  const children = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  for (const child of children) await removeCgroupTree(path.join(dir, child.name), log);
  for (let attempt = 0; ; attempt += 1) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if (attempt >= 50) {
        log?.(`could not remove the cgroup ${dir}: ${(error as Error).message}`);
        return;
      }
      await sleep(100);
    }
  }
}

function isMountPoint(dir: string): boolean {
  return spawnSync('mountpoint', ['-q', dir]).status === 0;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${(result.stderr || '').trim()}`);
}
