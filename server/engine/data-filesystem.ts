/**
 * The private engine's data root lives on a btrfs file system of its own, a sparse image file
 * in the state directory, and the engine uses Docker's btrfs storage driver. Two bounds
 * follow, both enforced by the kernel on the host: the engine as a whole can never use more
 * of the host's disk than the image's size, and each sandbox's writable layer gets a quota of
 * its own (the driver's `size` storage option, a btrfs quota group on the container's
 * subvolume).
 *
 * Why btrfs: overlay2's per-container quota needs XFS project quotas, and this machine kind's
 * kernel has no quota support at all (mounting XFS with prjquota fails: "quota support not
 * available in this kernel"); btrfs quota groups are part of btrfs itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';

const GIB = 1024 ** 3;

/** The image's size: the configured one, else 64 GiB or 80% of the free space, whichever is less. */
export function dataFilesystemSize(freeBytes: number, configured?: number): number {
  if (configured !== undefined) return configured;
  return Math.max(8 * GIB, Math.min(64 * GIB, Math.floor((freeBytes * 0.8) / GIB) * GIB));
}

/** Whether `dir` is a btrfs mount point (true), another mount (false) or no mount (null), from /proc/self/mountinfo. */
export function mountedAsBtrfs(mountinfo: string, dir: string): boolean | null {
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields[4] !== dir) continue;
    return fields[fields.indexOf('-') + 1] === 'btrfs';
  }
  return null;
}

export interface DataFilesystem {
  image: string;
  mountPoint: string;
}

/** Creates (once) and mounts the data file system; a no-op when it is mounted already. */
export function ensureDataFilesystem(fs: DataFilesystem, configuredSize: number | undefined, say: (line: string) => void): void {
  mkdirSync(fs.mountPoint, { recursive: true });
  const state = mountedAsBtrfs(readFileSync('/proc/self/mountinfo', 'utf8'), path.resolve(fs.mountPoint));
  if (state === false) throw new Error(`${fs.mountPoint} is mounted, but not as btrfs; unmount it so Slipway can mount its own`);
  if (state === null) {
    if (!existsSync(fs.image)) {
      const { bavail, bsize } = statfsSync(path.dirname(fs.image));
      const size = dataFilesystemSize(bavail * bsize, configuredSize);
      say(`creating the engine's data file system (btrfs, ${Math.round(size / GIB)} GiB sparse) at ${fs.image}`);
      run('truncate', ['-s', String(size), fs.image]);
      run('mkfs.btrfs', ['-q', fs.image]);
    }
    run('mount', ['-o', 'loop', fs.image, fs.mountPoint]);
  }
  // Quota groups are what a container's size option sets; enabling them again is a no-op.
  run('btrfs', ['quota', 'enable', fs.mountPoint]);
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  }
}
