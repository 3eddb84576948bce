/**
 * The sandbox boundary, attacked for real. Each attack runs as root in a learner's sandbox,
 * in a process just like the learner's shell (a `docker exec` as root in the sandbox's
 * namespaces; the learner's terminal is one too), and each result is checked from the
 * host's side: the host's files, sysctls, cgroup values, listeners and disk.
 *
 * Traffic stays on this machine: the host's own addresses, and sandboxes and containers
 * this test made. Rules about other addresses (private ranges, cloud metadata) are checked
 * by what Slipway installs, never by sending anything there.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, statfsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, type Browser } from '@playwright/test';
import type Docker from 'dockerode';
import { loadConfig } from '../server/config';
import { connectEngine, type Engine } from '../server/engine/connect';
import { BLOCKED_RANGES, egressChains, removeEgressPolicy, sessionBridgeName } from '../server/engine/egress';
import { privateEnginePaths, stopPrivateEngine } from '../server/engine/private-engine';
import { SANDBOX_DEVICES } from '../server/sandbox/cgroups';
import { networkSpec } from '../server/sandbox/spec';
import { execInSandbox } from '../server/session/sandbox-exec';
import { startSlipway, type RunningSlipway } from './support/server';
import { openSandbox } from './support/terminal';
import { removeInstance } from './support/global-setup';

/** Its own instance, removed after, so its learners never count against later tests' capacity. */
const INSTANCE = 'e2e-boundary';
const MIB = 1024 ** 2;
const DISK_ALLOWANCE = 300 * MIB;
const PIDS = 512;
const MEMORY = 1024 * MIB;

let engine: Engine;
let docker: Docker;
let server: RunningSlipway;

test.setTimeout(300_000);

let alice: LearnerSandbox;
let bob: LearnerSandbox;

test.beforeAll(async ({ browser }) => {
  const config = loadConfig();
  engine = await connectEngine(config.engine);
  docker = engine.docker;
  expect(engine.layout, "these tests attack Slipway's private engine").not.toBeNull();
  // On every interface, as a workshop runs it: its port is one a learner would try.
  server = await startSlipway({
    HOST: '0.0.0.0',
    SLIPWAY_INSTANCE: INSTANCE,
    SLIPWAY_SANDBOX_DISK: `${DISK_ALLOWANCE / MIB}m`,
    SLIPWAY_SANDBOX_PIDS: String(PIDS),
    SLIPWAY_SANDBOX_MEMORY: `${MEMORY / MIB}m`,
    SLIPWAY_POOL_SIZE: '0',
  });
  alice = await newLearnerSandbox(browser);
  bob = await newLearnerSandbox(browser);
});

test.afterAll(async () => {
  await server?.stop();
  await removeInstance(docker, INSTANCE);
});

interface LearnerSandbox {
  container: Docker.Container;
  name: string;
  /** The sandbox's address on its session network, and that network's gateway (the host). */
  ip: string;
  gateway: string;
  /** The sandbox's parent cgroup on the host, e.g. /slipway-abcd-e2e-0123456789. */
  cgroupParent: string;
}

/** Opens a learner's page and finds, on the host, the sandbox it was given. */
async function newLearnerSandbox(browser: Browser): Promise<LearnerSandbox> {
  const names = async () =>
    new Set((await docker.listContainers({ filters: { label: [`slipway.instance=${INSTANCE}`] } })).map((c) => c.Names[0]!.slice(1)));
  const before = await names();
  const page = await (await browser.newContext()).newPage();
  await openSandbox(page, server.url);
  const name = [...(await names())].find((candidate) => !before.has(candidate) && candidate.endsWith('-node1'));
  expect(name, 'a new node1 sandbox').toBeDefined();
  const container = docker.getContainer(name!);
  const info = await container.inspect();
  const network = Object.values(info.NetworkSettings.Networks)[0]!;
  return { container, name: name!, ip: network.IPAddress, gateway: network.Gateway, cgroupParent: info.HostConfig.CgroupParent ?? '' };
}

/** Runs a script as root in the sandbox; returns its output. */
async function attack(sandbox: LearnerSandbox, script: string, timeoutMs = 60_000): Promise<string> {
  const { output } = await execInSandbox(sandbox.container, script, timeoutMs);
  return output;
}

/** Whether the sandbox's engine answers on the port Slipway reads it from. */
const engineAnswers = (sandbox: LearnerSandbox) =>
  fetch(`http://${sandbox.ip}:2375/_ping`).then((response) => response.ok, () => false);

const hostFile = (file: string) => readFileSync(file, 'utf8');
const hostCgroup = (sandbox: LearnerSandbox, hierarchy: string, file: string) =>
  hostFile(path.join('/sys/fs/cgroup', hierarchy, sandbox.cgroupParent, file)).trim();

test('the learner is root inside and an unprivileged uid on the host', async () => {
  const [map, id] = (await attack(alice, 'cat /proc/self/uid_map; id -u')).trim().split('\n');
  const [inside, outside] = map!.trim().split(/\s+/).map(Number);
  expect(id).toBe('0');
  expect(inside).toBe(0);
  expect(outside).toBeGreaterThanOrEqual(65_536);
  // Seen from the host, the sandbox's processes belong to that uid, not to root.
  const { Pid } = (await alice.container.inspect()).State;
  const uid = /^Uid:\s+(\d+)/m.exec(hostFile(`/proc/${Pid}/status`))![1];
  expect(Number(uid)).toBe(outside);
});

/** Host-global sysctls a learner would like to write (those this kernel has). */
const HOST_SYSCTLS = ['kernel/core_pattern', 'kernel/modprobe', 'kernel/panic', 'kernel/sysrq', 'kernel/randomize_va_space', 'vm/overcommit_memory']
  .map((name) => `/proc/sys/${name}`)
  .filter((file) => existsSync(file));
const readSysctls = () => Object.fromEntries(HOST_SYSCTLS.map((file) => [file, hostFile(file)]));

test('core_pattern, host sysctls and sysrq stay untouched', async () => {
  const before = readSysctls();
  expect(HOST_SYSCTLS).toContain('/proc/sys/kernel/core_pattern');
  const marker = `/tmp/slipway-escaped-${randomBytes(4).toString('hex')}`;
  // The escape recorded in ENGINE-FACTS.md: point core_pattern at a script under the
  // sandbox's own root as the host sees it, then crash a process.
  const output = await attack(
    alice,
    [
      `printf '#!/bin/sh\\ntouch ${marker}\\n' > /pwn.sh && chmod +x /pwn.sh`,
      `root=$(awk '$5 == "/" { print $4; exit }' /proc/self/mountinfo)`,
      `for target in "|$root/pwn.sh" "|/pwn.sh"; do echo "$target" > /proc/sys/kernel/core_pattern 2>/dev/null && echo core=written; done`,
      ...HOST_SYSCTLS.map((file) => `echo 2 > ${file} 2>/dev/null && echo ${path.basename(file)}=written`),
      'echo h > /proc/sysrq-trigger 2>/dev/null && echo sysrq=triggered',
      'ulimit -c unlimited; sh -c \'kill -SEGV $$\'; echo crashed',
    ].join('\n'),
  );
  expect(output).toContain('crashed');
  expect(output).not.toMatch(/=written|=triggered/);
  expect(existsSync(marker)).toBe(false);
  expect(readSysctls()).toEqual(before);
});

test('new proc, sysfs and cgroup mounts give no way around the user namespace', async () => {
  const corePattern = hostFile('/proc/sys/kernel/core_pattern');
  const output = await attack(
    alice,
    [
      'mkdir -p /mnt/p /mnt/s /mnt/c',
      'mount -t proc proc /mnt/p 2>/dev/null && echo proc=mounted',
      'echo "|/pwn.sh" > /mnt/p/sys/kernel/core_pattern 2>/dev/null && echo core=written',
      'mount -t sysfs sysfs /mnt/s 2>/dev/null && echo sysfs=mounted',
      'echo 1 > /mnt/s/kernel/mm/transparent_hugepage/khugepaged/defrag 2>/dev/null && echo sysfs=written',
      'mount -t cgroup -o memory cgroup /mnt/c 2>/dev/null && echo cgroup=mounted',
      'mount -t cgroup -o none,name=escape cgroup /mnt/c 2>/dev/null && echo cgroup-named=mounted',
      'mount -t cgroup2 none /mnt/c 2>/dev/null && echo "cgroup2=$(cat /mnt/c/cgroup.procs 2>/dev/null | wc -l)"',
      'echo checked',
    ].join('\n'),
  );
  expect(output).toContain('checked');
  expect(output).not.toMatch(/core=written|sysfs=written|cgroup=mounted|cgroup-named=mounted/);
  expect(hostFile('/proc/sys/kernel/core_pattern')).toBe(corePattern);
});

test('the sandbox cannot lift its own memory, pids or device limits', async () => {
  expect(alice.cgroupParent).toMatch(/^\/slipway-/);
  const before = {
    memory: hostCgroup(alice, 'memory', 'memory.limit_in_bytes'),
    pids: hostCgroup(alice, 'pids', 'pids.max'),
    devices: hostCgroup(alice, 'devices', 'devices.list'),
  };
  expect(Number(before.memory)).toBe(MEMORY);
  expect(before.pids).toBe(String(PIDS));
  expect(before.devices.split('\n').sort()).toEqual([...SANDBOX_DEVICES].sort());
  const output = await attack(
    alice,
    [
      'cd /sys/fs/cgroup',
      'echo -1 > memory/memory.limit_in_bytes 2>/dev/null && echo memory=written',
      'echo max > pids/pids.max 2>/dev/null && echo pids=written',
      "echo 'a *:* rwm' > devices/devices.allow 2>/dev/null && echo devices=written",
      'chmod 666 memory/memory.limit_in_bytes 2>/dev/null && echo chmod=done',
      // A child cgroup of its own may say anything; the parent's limits still hold for it.
      'mkdir -p pids/escape memory/escape && echo max > pids/escape/pids.max && echo $$ > pids/escape/cgroup.procs && echo child=joined',
      "echo 'a *:* rwm' > devices/escape/devices.allow 2>/dev/null; mkdir -p devices/escape && echo 'b *:* rwm' > devices/escape/devices.allow 2>/dev/null && echo child-devices=written",
      // Block devices: neither a new node nor an open of one.
      "set -- $(awk 'NR>2 {print $1, $2; exit}' /proc/partitions)",
      'mknod /tmp/disk b "$1" "$2" 2>/dev/null && echo mknod=done',
      'head -c 512 /tmp/disk >/dev/null 2>&1 && echo disk=read',
      'echo checked',
    ].join('\n'),
  );
  expect(output).toContain('checked');
  expect(output).not.toMatch(/memory=written|pids=written|devices=written|chmod=done|child-devices=written|mknod=done|disk=read/);
  expect({
    memory: hostCgroup(alice, 'memory', 'memory.limit_in_bytes'),
    pids: hostCgroup(alice, 'pids', 'pids.max'),
    devices: hostCgroup(alice, 'devices', 'devices.list'),
  }).toEqual(before);
  // The child cgroup lies below the sandbox's parent on the host, so the parent's pids.max counts it.
  expect(existsSync(path.join('/sys/fs/cgroup/pids', alice.cgroupParent, 'escape'))).toBe(true);
  // A flood of processes from inside the child: the parent's pids.max counts them all, and
  // the forks past it are refused.
  const flood = await attack(alice, `echo $$ > /sys/fs/cgroup/pids/escape/cgroup.procs; (for i in $(seq ${PIDS + 100}); do sleep 60 & done) 2>&1 | grep -c -i fork`, 120_000);
  expect(Number(flood.trim())).toBeGreaterThan(0);
  expect(Number(hostCgroup(alice, 'pids', 'pids.current'))).toBeLessThanOrEqual(PIDS);
  await attack(alice, 'kill $(cat /sys/fs/cgroup/pids/escape/cgroup.procs) 2>/dev/null; echo cleaned');
  // The flood may have left alice's dockerd no thread to start (the Go runtime then aborts it);
  // the sandbox starts it again, as systemd would.
  await expect.poll(() => engineAnswers(alice), { timeout: 90_000 }).toBe(true);
});

test('kernel modules, eBPF, perf, kexec and the kernel log are refused', async () => {
  // This machine kind's kernel has no module support at all; where it has, nothing new loads.
  const modules = () => (existsSync('/proc/modules') ? hostFile('/proc/modules') : '');
  const modulesBefore = modules();
  // Each call through perl's syscall(): "ok" only if the kernel accepted it.
  const calls = {
    finit_module: 'syscall(313, 0, $s, 0)',
    init_module: 'syscall(175, $s, 16, $s)',
    bpf: 'syscall(321, 5, $s, 128)',
    perf_event_open: 'syscall(298, $s, 0, -1, -1, 0)',
    kexec_load: 'syscall(246, 0, 0, 0, 0)',
    syslog: 'syscall(103, 3, $s, 64)',
    io_uring_setup: 'syscall(425, 1, $s)',
    userfaultfd: 'syscall(323, 0)',
  };
  const script = Object.entries(calls)
    .map(([name, call]) => `perl -e '$s = "\\0" x 256; $r = ${call}; print "${name}=", ($r == -1 && $! == 1 ? "EPERM" : "ok:$r:" . ($!+0)), "\\n"'`)
    .join('\n');
  const output = await attack(alice, `${script}\ndmesg >/dev/null 2>&1 && echo dmesg=read; echo checked`);
  for (const name of Object.keys(calls)) expect(output, name).toContain(`${name}=EPERM`);
  expect(output).not.toContain('dmesg=read');
  expect(modules()).toBe(modulesBefore);
});

/** A listener on every host address, counting who connects. */
async function hostListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const listener: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
  const { port } = listener.address() as { port: number };
  return { port, connections: () => connections, close: () => new Promise((resolve) => listener.close(() => resolve())) };
}

const hostAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((address) => address?.family === 'IPv4' && !address.internal)
    .map((address) => address!.address);

/** A bash loop that tries TCP to each address:port and prints the ones that connected. */
const probeScript = (targets: string[]) =>
  `for t in ${targets.join(' ')}; do timeout 3 bash -c "exec 3<>/dev/tcp/\${t%:*}/\${t##*:}" 2>/dev/null && echo "open=$t"; done; echo probed`;

test("the host's ports, Slipway's included, are closed to a sandbox", async () => {
  const listener = await hostListener();
  try {
    const slipwayPort = new URL(server.url).port;
    const addresses = [alice.gateway, ...hostAddresses()];
    const targets = addresses.flatMap((address) => [`${address}:${listener.port}`, `${address}:${slipwayPort}`, `${address}:22`]);
    // The host reaches Slipway on those addresses itself: the port is open (any answer will
    // do; one whose Host is not an allowed name is refused with 421, still an answer).
    expect((await fetch(`http://${alice.gateway}:${slipwayPort}/api/health`)).status).toBeGreaterThan(0);
    const output = await attack(alice, probeScript(targets));
    expect(output).toContain('probed');
    expect(output).not.toContain('open=');
    expect(listener.connections()).toBe(0);
  } finally {
    await listener.close();
  }
});

test("another learner's nodes are out of reach on every port", async () => {
  expect(bob.gateway).not.toBe(alice.gateway);
  await attack(bob, 'docker run -d --name web -p 8080:80 nginx >/dev/null && for i in $(seq 50); do curl -sf localhost:8080 >/dev/null && break; sleep 0.2; done; echo up', 120_000);
  const ports = [22, 80, 2375, 2376, 2377, 5000, 7946, 8080];
  const output = await attack(alice, `${probeScript(ports.map((port) => `${bob.ip}:${port}`))}\nping -c 1 -W 2 ${bob.ip} >/dev/null 2>&1 && echo ping=answered`);
  expect(output).toContain('probed');
  expect(output).not.toMatch(/open=|ping=answered/);
  // Bob's own nginx saw nobody but Bob.
  expect(await attack(bob, 'docker logs web 2>/dev/null | grep -c "GET / " || true')).toMatch(/^1\s*$/);
  // The host reaches both (Slipway reads their engines).
  for (const sandbox of [alice, bob]) expect(await engineAnswers(sandbox)).toBe(true);
});

test('private ranges, metadata and IPv6 are refused by the rules Slipway installs', () => {
  const { engineId } = engine.layout!;
  const chains = egressChains(engineId);
  const rules = spawnSync('iptables', ['-w', '-S', chains.forward], { encoding: 'utf8' }).stdout;
  for (const range of BLOCKED_RANGES) expect(rules, range).toContain(`-d ${range} -j REJECT`);
  expect(rules).toContain('169.254.0.0/16');
  const hooks = spawnSync('iptables', ['-w', '-S'], { encoding: 'utf8' }).stdout;
  const bridges = `${sessionBridgeName(engineId, '')}+`;
  expect(hooks).toContain(`-A INPUT -i ${bridges} -j ${chains.input}`);
  expect(hooks).toContain(`-A DOCKER-USER -i ${bridges} -j ${chains.forward}`);
  // Every learner's bridge matches the wildcard the rules use.
  const interfaces = readdirSync('/sys/class/net');
  for (const sandbox of [alice, bob]) {
    const gatewayInterface = interfaces.find((name) => spawnSync('ip', ['-4', 'addr', 'show', 'dev', name], { encoding: 'utf8' }).stdout.includes(`${sandbox.gateway}/`));
    expect(gatewayInterface?.startsWith(bridges.slice(0, -1))).toBe(true);
  }
  const ipv6 = spawnSync('ip6tables', ['-w', '-S'], { encoding: 'utf8' });
  if (ipv6.status === 0) expect(ipv6.stdout).toContain(`-A INPUT -i ${bridges} -j DROP`);
});

test("a full disk and a log flood stop at the sandbox's own bounds", async () => {
  const dataRoot = privateEnginePaths(loadConfig().stateDir).dataRoot;
  const used = () => {
    const { blocks, bfree, bsize } = statfsSync(dataRoot);
    return (blocks - bfree) * bsize;
  };
  const before = used();
  const output = await attack(alice, `dd if=/dev/zero of=/root/fill bs=1M count=${(3 * DISK_ALLOWANCE) / MIB} 2>&1 | grep -i -E 'quota|space'; sync; echo "size=$(stat -c %s /root/fill)"`, 180_000);
  expect(output).toMatch(/quota exceeded|No space left/i);
  const written = Number(/size=(\d+)/.exec(output)![1]);
  expect(written).toBeLessThan(2 * DISK_ALLOWANCE);
  expect(used() - before).toBeLessThan(2 * DISK_ALLOWANCE);
  await attack(alice, 'rm -f /root/fill');

  // A flood into the container's log (its init's output) is rotated by the engine.
  await attack(alice, 'head -c 30000000 /dev/zero | tr "\\0" "x" | fold -w 200 > /proc/1/fd/1; echo flooded', 120_000);
  const { LogPath } = await alice.container.inspect();
  const logs = readdirSync(path.dirname(LogPath)).filter((name) => name.startsWith(path.basename(LogPath)));
  const total = logs.reduce((sum, name) => sum + statSync(path.join(path.dirname(LogPath), name)).size, 0);
  expect(logs.length).toBeLessThanOrEqual(2);
  expect(total).toBeLessThan(3 * MIB);
});

test("nested containers keep their own cgroups: docker stats per container, and nested limits hold", async () => {
  const output = await attack(
    alice,
    [
      'docker run -d --name capped --memory 64m --pids-limit 40 busybox sleep 600 >/dev/null',
      'docker stats --no-stream --format "stats={{.Name}} {{.MemUsage}}" capped',
      'echo "refused=$(docker exec capped sh -c \'for i in $(seq 80); do sleep 30 & done\' 2>&1 | grep -c -i fork)"',
      'docker inspect -f "id={{.Id}}" capped',
    ].join('\n'),
    120_000,
  );
  expect(output).toMatch(/stats=capped [\d.]+[KMG]?i?B \/ 64MiB/);
  expect(Number(/refused=(\d+)/.exec(output)?.[1])).toBeGreaterThan(0);
  // On the host, the nested container's cgroup is below the sandbox's parent, with its limit.
  const id = /id=([0-9a-f]{64})/.exec(output)![1]!;
  const found = spawnSync('find', [path.join('/sys/fs/cgroup/memory', alice.cgroupParent), '-type', 'd', '-name', id], { encoding: 'utf8' }).stdout.trim();
  expect(found).not.toBe('');
  expect(hostFile(path.join(found, 'memory.limit_in_bytes')).trim()).toBe(String(64 * MIB));
  const pids = found.replace('/sys/fs/cgroup/memory/', '/sys/fs/cgroup/pids/');
  expect(hostFile(path.join(pids, 'pids.max')).trim()).toBe('40');
  expect(Number(hostFile(path.join(pids, 'pids.current')))).toBeLessThanOrEqual(40);
});

test('more than 30 session networks fit, each a small subnet of the engine’s own range', async () => {
  const { layout } = engine;
  const names = Array.from({ length: 40 }, (_, index) => `slipway-net-pooltest${index}`);
  try {
    for (const [index, name] of names.entries()) {
      await docker.createNetwork(networkSpec(name, `${INSTANCE}`, sessionBridgeName(layout!.engineId, `p${String(index).padStart(7, '0')}`)));
    }
    const subnets = await Promise.all(names.map(async (name) => ((await docker.getNetwork(name).inspect()) as { IPAM: { Config: Array<{ Subnet: string }> } }).IPAM.Config[0]!.Subnet));
    expect(new Set(subnets).size).toBe(40);
    const prefix = layout!.addresses.range.split('.').slice(0, 2).join('.');
    for (const subnet of subnets) expect(subnet).toMatch(new RegExp(`^${prefix.replace('.', '\\.')}\\.\\d+\\.\\d+/28$`));
  } finally {
    for (const name of names) await docker.getNetwork(name).remove().catch(() => undefined);
  }
});

test("a second Slipway's private engine gets its own bridge and range, and neither side reaches the other", async () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'slipway-second-'));
  // dockerd's remapped root must be able to walk into its data root.
  chmodSync(stateDir, 0o755);
  const second = await connectEngine({ dockerHost: undefined, stateDir, egress: 'internet', diskBytes: 8 * 1024 ** 3 });
  try {
    expect(second.layout!.engineId).not.toBe(engine.layout!.engineId);
    expect(second.layout!.addresses.range).not.toBe(engine.layout!.addresses.range);
    expect(second.isolation.userns).toBe(true);
    // A small image of the first engine's, carried over, serves on a session network of the second.
    const busybox = (await docker.listImages()).flatMap((image) => image.RepoTags ?? []).find((tag) => tag.startsWith('slipway/busybox:'))!;
    const saved = await docker.getImage(busybox).get();
    await new Promise<void>((resolve, reject) => second.docker.loadImage(saved, {}, (error, stream) => (error ? reject(error) : second.docker.modem.followProgress(stream!, (e) => (e ? reject(e) : resolve())))));
    await second.docker.createNetwork(networkSpec('slipway-net-second', 'second', sessionBridgeName(second.layout!.engineId, 'second00')));
    const other = await second.docker.createContainer({
      Image: busybox,
      Cmd: ['sh', '-c', 'mkdir -p /www && echo other > /www/index.html && httpd -f -p 8080 -h /www'],
      HostConfig: { NetworkMode: 'slipway-net-second' },
    });
    await other.start();
    const otherIp = Object.values((await other.inspect()).NetworkSettings.Networks)[0]!.IPAddress;
    await expect.poll(async () => (await fetch(`http://${otherIp}:8080/`).catch(() => null))?.ok ?? false, { timeout: 30_000 }).toBe(true);
    // From a sandbox of the first engine: nothing.
    const fromFirst = await attack(alice, `${probeScript([`${otherIp}:8080`])}`);
    expect(fromFirst).toContain('probed');
    expect(fromFirst).not.toContain('open=');
    // From the second engine's container to the first engine's sandbox: nothing either.
    const probe = await other.exec({ Cmd: ['sh', '-c', `wget -q -T 3 -O- http://${alice.ip}:2375/_ping && echo open || echo closed`], AttachStdout: true, AttachStderr: true });
    const stream = await probe.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => stream.on('end', resolve));
    expect(Buffer.concat(chunks).toString()).toContain('closed');
    await other.remove({ force: true });
    await second.docker.getNetwork('slipway-net-second').remove();
  } finally {
    const paths = privateEnginePaths(stateDir);
    await stopPrivateEngine(paths);
    spawnSync('umount', ['--lazy', paths.dataRoot]);
    spawnSync('ip', ['link', 'delete', `sw${second.layout!.engineId}b`]);
    removeEgressPolicy(second.layout!.engineId);
    rmSync(stateDir, { recursive: true, force: true });
  }
});
