import { describe, expect, it } from 'vitest';
import { cgroupV1Hierarchies, parentSettings, SANDBOX_DEVICES } from './cgroups';

const mountinfo = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  '50 31 0:33 /slipway-x /sys/fs/cgroup/devices/nested rw,relatime - cgroup cgroup rw,devices',
].join('\n');

const limits = { memoryBytes: 3 * 1024 ** 3, storageBytes: 0, cpus: 1.5, pids: 2048, diskBytes: 0 };

describe('cgroup delegation', () => {
  it('finds the host’s v1 hierarchies (not cgroup2, not mounts of subtrees)', () => {
    expect(cgroupV1Hierarchies(mountinfo)).toEqual([
      { dir: 'cpu,cpuacct', subsystems: ['cpu', 'cpuacct'] },
      { dir: 'memory', subsystems: ['memory'] },
      { dir: 'devices', subsystems: ['devices'] },
      { dir: 'systemd', subsystems: ['name=systemd'] },
    ]);
  });

  it('writes the sandbox’s limits on its parent', () => {
    const root = { cpus: '0-1', mems: '0' };
    expect(parentSettings({ dir: 'memory', subsystems: ['memory'] }, limits, root)).toEqual([['memory.limit_in_bytes', String(3 * 1024 ** 3)]]);
    expect(parentSettings({ dir: 'pids', subsystems: ['pids'] }, limits, root)).toEqual([['pids.max', '2048']]);
    expect(parentSettings({ dir: 'cpu,cpuacct', subsystems: ['cpu', 'cpuacct'] }, limits, root)).toEqual([
      ['cpu.cfs_period_us', '100000'],
      ['cpu.cfs_quota_us', '150000'],
    ]);
    expect(parentSettings({ dir: 'cpuset', subsystems: ['cpuset'] }, limits, root)).toEqual([['cpuset.cpus', '0-1'], ['cpuset.mems', '0']]);
    expect(parentSettings({ dir: 'systemd', subsystems: ['name=systemd'] }, limits, root)).toEqual([]);
  });

  it('denies every device first, then allows character devices only (no block device, no /dev/mem or /dev/kmsg)', () => {
    const devices = parentSettings({ dir: 'devices', subsystems: ['devices'] }, limits, { cpus: '0', mems: '0' });
    expect(devices[0]).toEqual(['devices.deny', 'a']);
    const allowed = devices.slice(1).map(([, rule]) => rule);
    expect(allowed).toEqual(SANDBOX_DEVICES);
    expect(allowed.filter((rule) => rule.startsWith('b ')).every((rule) => rule === 'b *:* m')).toBe(true);
    expect(allowed).not.toContain('c 1:1 rwm');
    expect(allowed).not.toContain('c 1:11 rwm');
    expect(allowed.some((rule) => rule.startsWith('a'))).toBe(false);
  });
});
