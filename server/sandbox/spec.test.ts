import { describe, expect, it } from 'vitest';
import { learnerContainerName, learnerKey, parseContainerName, poolContainerName, reservedContainerName, sandboxContainerSpec } from './spec';

const limits = { memoryBytes: 3 * 1024 ** 3, storageBytes: 4 * 1024 ** 3, cpus: 1, pids: 2048, diskBytes: 2 * 1024 ** 3 };
const delegated = { cgroupParent: '/slipway-abcd-main-0123456789', bind: '/run/slipway-cg/slipway-abcd-main-0123456789:/sys/fs/cgroup:rw' };

describe('sandboxContainerSpec', () => {
  const spec = sandboxContainerSpec({
    instance: 'main',
    name: 'x',
    image: 'slipway/sandbox:abc',
    network: 'net',
    node: 'node1',
    limits,
    isolation: { cgroup: delegated, diskQuotaBytes: 3 * 1024 ** 3 },
    cgroupId: '0123456789',
  });
  const host = spec.HostConfig!;

  it('is never privileged and adds only the capabilities nested engines need, in its user namespace', () => {
    expect(host.Privileged).toBeUndefined();
    expect(host.UsernsMode ?? '').toBe('');
    expect(host.CapAdd).toEqual(['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE']);
  });

  it('runs under Slipway’s seccomp profile, never unconfined', () => {
    const seccomp = host.SecurityOpt!.find((option: string) => option.startsWith('seccomp='))!;
    expect(seccomp).not.toBe('seccomp=unconfined');
    expect(JSON.parse(seccomp.slice('seccomp='.length)).syscalls[0].names).toContain('kexec_load');
  });

  it('gives access to a few character devices only, so host disks cannot be opened', () => {
    expect(host.DeviceCgroupRules!.every((rule) => rule.startsWith('c '))).toBe(true);
    expect(host.DeviceCgroupRules).not.toContain('c 1:1 rwm');
    expect(host.Devices).toEqual([{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }]);
  });

  it('mounts nothing from the host but its own cgroup subtree: no engine socket, no Slipway files', () => {
    expect(host.Binds).toEqual([delegated.bind]);
    expect(host.Binds![0]!.split(':')[1]).toBe('/sys/fs/cgroup');
    expect(host.Mounts ?? []).toEqual([]);
  });

  it('sits below its own cgroup parent, seeing host cgroup paths that match its mounts', () => {
    expect(host.CgroupParent).toBe(delegated.cgroupParent);
    expect((host as { CgroupnsMode?: string }).CgroupnsMode).toBe('host');
    expect(spec.Labels!['slipway.cgroup']).toBe('0123456789');
  });

  it('without a subtree, keeps a private cgroup namespace and mounts nothing', () => {
    const bare = sandboxContainerSpec({ instance: 'main', name: 'x', image: 'i', network: 'net', node: 'node1', limits, isolation: { cgroup: null, diskQuotaBytes: null } }).HostConfig!;
    expect(bare.Binds ?? []).toEqual([]);
    expect(bare.CgroupParent).toBeUndefined();
    expect((bare as { CgroupnsMode?: string }).CgroupnsMode).toBe('private');
    expect(bare.StorageOpt).toBeUndefined();
  });

  it('bounds its disk and logs, and goes first when memory runs out', () => {
    expect(host.StorageOpt).toEqual({ size: String(3 * 1024 ** 3) });
    expect(host.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
    expect(host.OomScoreAdj).toBe(1000);
  });

  it('applies every configured limit', () => {
    expect(host.Memory).toBe(limits.memoryBytes);
    expect(host.MemorySwap).toBe(limits.memoryBytes);
    expect(host.NanoCpus).toBe(1e9);
    expect(host.PidsLimit).toBe(2048);
    expect(host.Tmpfs!['/var/lib/docker']).toBe(`exec,size=${limits.storageBytes}`);
  });

  it('sets the node name, working directory and its own network', () => {
    expect(spec.Hostname).toBe('node1');
    expect(spec.WorkingDir).toBe('/root');
    expect(host.NetworkMode).toBe('net');
  });

  it('makes the node reachable by its name on the session network', () => {
    expect(spec.NetworkingConfig?.EndpointsConfig?.['net']?.Aliases).toEqual(['node1']);
  });
});

describe('container names', () => {
  it('round-trip for learners and the pool', () => {
    const key = learnerKey('some-token');
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(parseContainerName(`/${learnerContainerName(key, 'node2')}`)).toEqual({ kind: 'learner', learner: key, node: 'node2' });
    expect(parseContainerName(poolContainerName('abc'))).toEqual({ kind: 'pool' });
    expect(parseContainerName(`/${reservedContainerName('0123456789', 'node3')}`)).toEqual({ kind: 'reserved', session: '0123456789', node: 'node3' });
    expect(parseContainerName('something-else')).toBeNull();
  });
  it('never carry the token itself', () => {
    expect(learnerContainerName(learnerKey('secret-token'), 'node1')).not.toContain('secret');
  });
});
