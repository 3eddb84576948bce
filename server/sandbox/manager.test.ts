/**
 * The sandbox manager's releases over an engine in memory, on a fake clock: the maximum
 * lifetime (warned, then ended, watched or not; moved by an extension), closed pages' sessions reclaimed near the
 * maximum and at admission, idle expiry, and the start an adopted session is given.
 * manager.integration.test.ts runs the same manager against a real engine.
 */
import type Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeDocker } from '../testing/fake-docker';
import type { TerminalProcess } from '../terminal/terminal-process';
import { SandboxManager, type SandboxManagerOptions } from './manager';
import { LIFETIME_WARNING_MS } from './policy';
import { learnerContainerName, reservedContainerName } from './spec';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 11, 1);
/** Learner keys as the hub makes them: 16 hex digits. */
const key = (letter: string) => letter.repeat(16);
const node1 = (letter: string) => learnerContainerName(key(letter), 'node1');

let engine: FakeDocker;
let manager: SandboxManager;
let ended: Array<[string, string]>;
let ending: Array<[string, number]>;

function start(options: Partial<SandboxManagerOptions> = {}): SandboxManager {
  manager = new SandboxManager(engine.engine, {
    instance: 'test',
    image: 'slipway/sandbox:test',
    catalogContainer: null,
    limits: { memoryBytes: 1, storageBytes: 1, cpus: 1, pids: 64, diskBytes: 1 },
    maxSandboxes: 10,
    maxNodes: 3,
    poolSize: 0,
    idleTimeoutMs: 2 * HOUR,
    maxLifetimeMs: 8 * HOUR,
    reclaimGraceMs: 10 * MINUTE,
    cgroups: null,
    diskQuota: false,
    onEnded: (learner, reason) => ended.push([learner, reason]),
    onEnding: (learner, inMs) => ending.push([learner, inMs]),
    ...options,
  });
  return manager;
}

/** `letter`'s learner gets a sandbox at `at` and keeps a page open, or closes it at `leaves`. */
async function learner(letter: string, at: number, leaves?: number): Promise<void> {
  vi.setSystemTime(at);
  manager.viewerAttached(key(letter));
  await manager.acquire(key(letter));
  if (leaves === undefined) return;
  vi.setSystemTime(leaves);
  manager.viewerDetached(key(letter));
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  engine = new FakeDocker();
  ended = [];
  ending = [];
});
afterEach(async () => {
  await manager?.close();
  vi.useRealTimers();
});

describe('the maximum session lifetime', () => {
  it('warns a watched session once, five minutes before the end, then releases it all the same', async () => {
    start();
    await learner('a', T0);
    const end = T0 + 8 * HOUR;
    await manager.reap(end - LIFETIME_WARNING_MS - 1);
    expect(ending).toEqual([]);
    expect(manager.endingIn(key('a'), end - LIFETIME_WARNING_MS - 1)).toBeUndefined();

    await manager.reap(end - LIFETIME_WARNING_MS);
    await manager.reap(end - MINUTE);
    expect(ending).toEqual([[key('a'), LIFETIME_WARNING_MS]]);
    // A page opened now is warned too.
    expect(manager.endingIn(key('a'), end - MINUTE)).toBe(MINUTE);

    await manager.reap(end);
    expect(ended).toEqual([[key('a'), 'SESSION_LIFETIME_ENDED']]);
    expect(engine.names()).toEqual([]);
    expect(manager.takeEnded(key('a'))).toBe('SESSION_LIFETIME_ENDED');
    expect(manager.takeEnded(key('a'))).toBeUndefined();
  });

  it('moves the end by a trainer’s extension, and warns again as the new end nears', async () => {
    start();
    await learner('a', T0);
    const end = T0 + 8 * HOUR;
    expect(manager.endsAt(key('a'))).toBe(end);
    await manager.reap(end - MINUTE);
    expect(ending).toEqual([[key('a'), MINUTE]]);

    expect(manager.extend(key('a'), 15 * MINUTE)).toBe(end + 15 * MINUTE);
    expect(manager.endsAt(key('a'))).toBe(end + 15 * MINUTE);
    expect(manager.endingIn(key('a'), end - MINUTE)).toBeUndefined();
    await manager.reap(end);
    expect(ended).toEqual([]);
    await manager.reap(end + 10 * MINUTE);
    expect(ending).toEqual([
      [key('a'), MINUTE],
      [key('a'), LIFETIME_WARNING_MS],
    ]);
    await manager.reap(end + 15 * MINUTE);
    expect(ended).toEqual([[key('a'), 'SESSION_LIFETIME_ENDED']]);
    expect(manager.endsAt(key('a'))).toBeUndefined();
    expect(manager.extend(key('a'), MINUTE)).toBeUndefined();
  });

  it('gives a new session a lifetime of its own', async () => {
    start();
    await learner('a', T0);
    await manager.reap(T0 + 8 * HOUR);
    await learner('a', T0 + 8 * HOUR + MINUTE);
    await manager.reap(T0 + 9 * HOUR);
    expect(ended).toHaveLength(1);
    expect(engine.names()).toEqual([node1('a')]);
  });

  it('counts an adopted session from its node1’s creation, leaving an old one the warning’s time', async () => {
    const adopted = (letter: string, createdAt: number) =>
      ({ Id: letter, Names: [`/${node1(letter)}`], Labels: { 'slipway.image': 'slipway/sandbox:test' }, State: 'running', Created: createdAt / 1000 }) as unknown as Docker.ContainerInfo;
    engine.listed = [adopted('a', T0 - HOUR), adopted('b', T0 - 20 * HOUR)];
    vi.setSystemTime(T0);
    await start().start();
    expect(manager.endingIn(key('a'), T0 + 7 * HOUR - MINUTE)).toBe(MINUTE);
    expect(manager.endingIn(key('b'), T0)).toBe(LIFETIME_WARNING_MS);
    await manager.reap(T0);
    expect(ended).toEqual([]);
    expect(ending.map(([learner]) => learner)).toEqual([key('b')]);
  });
});

describe('closed pages near the maximum', () => {
  it('reclaims, from 80 % of the maximum, closed pages past the grace, oldest first, until below it', async () => {
    start({ maxSandboxes: 5 });
    await learner('a', T0, T0 + MINUTE);
    await learner('b', T0, T0 + 2 * MINUTE);
    await learner('c', T0);
    await learner('d', T0, T0 + 15 * MINUTE);
    await manager.reap(T0 + 20 * MINUTE);
    expect(ended).toEqual([[key('a'), 'SANDBOX_RECLAIMED']]);
    expect(engine.names()).toEqual([node1('b'), node1('c'), node1('d')]);
    // Below 80 % now: b's closed page waits for the idle timeout as before.
    await manager.reap(T0 + HOUR);
    expect(ended).toHaveLength(1);
    expect(manager.takeEnded(key('a'))).toBe('SANDBOX_RECLAIMED');
  });

  it('leaves closed pages alone below 80 %, and within the grace however full', async () => {
    start({ maxSandboxes: 5 });
    await learner('a', T0, T0 + MINUTE);
    await learner('b', T0);
    await learner('c', T0);
    await manager.reap(T0 + HOUR);
    await learner('d', T0 + HOUR, T0 + HOUR);
    await learner('e', T0 + HOUR);
    await manager.reap(T0 + HOUR);
    // Full, but a's page left an hour ago: it goes; d's left just now: it stays.
    expect(ended).toEqual([[key('a'), 'SANDBOX_RECLAIMED']]);
  });

  it('gives a newcomer at the maximum the room of a page closed past the grace, rather than "full"', async () => {
    start({ maxSandboxes: 2 });
    await learner('a', T0, T0 + MINUTE);
    await learner('b', T0);
    vi.setSystemTime(T0 + 5 * MINUTE);
    // Within the grace: full.
    await expect(manager.acquire(key('c'))).rejects.toMatchObject({ code: 'SANDBOX_LIMIT_REACHED' });
    vi.setSystemTime(T0 + 12 * MINUTE);
    await manager.acquire(key('c'));
    expect(ended).toEqual([[key('a'), 'SANDBOX_RECLAIMED']]);
    expect(engine.names()).toEqual([node1('b'), node1('c')]);
  });

  it('makes room the same way for a node a watched session asks for', async () => {
    start({ maxSandboxes: 2 });
    await learner('a', T0);
    await learner('b', T0, T0);
    vi.setSystemTime(T0 + HOUR);
    const node2 = await manager.addNode(key('a'), 'node2');
    expect(node2.name).toBe(learnerContainerName(key('a'), 'node2'));
    expect(ended).toEqual([[key('b'), 'SANDBOX_RECLAIMED']]);
    await expect(manager.addNode(key('a'), 'node3')).rejects.toMatchObject({ code: 'SANDBOX_LIMIT_REACHED' });
  });
});

it('still reaps a closed page’s session after the idle timeout, saying so', async () => {
  start();
  await learner('a', T0, T0);
  await manager.reap(T0 + 2 * HOUR);
  expect(ended).toEqual([]);
  await manager.reap(T0 + 2 * HOUR + 1);
  expect(ended).toEqual([[key('a'), 'SANDBOX_EXPIRED']]);
  expect(manager.takeEnded(key('a'))).toBe('SANDBOX_EXPIRED');
});

describe('reserved sessions', () => {
  const reserved = (id: string, node: string) => reservedContainerName(id, node);

  it('starts whole sessions one network each, after the start, and hands one over whole under the learner’s names', async () => {
    start();
    manager.reserve('w1', 2, 2);
    expect(engine.names()).toEqual([]);
    await manager.start();
    await vi.waitFor(() => expect(manager.counts.reserved).toBe(2));
    const placed = engine.placed();
    expect(placed.map(([name]) => name.replace(/[0-9a-f]{10}/, 'ID')).sort()).toEqual(['slipway-r-ID-node1', 'slipway-r-ID-node1', 'slipway-r-ID-node2', 'slipway-r-ID-node2']);
    expect(new Set(placed.map(([, network]) => network)).size).toBe(2);
    expect(manager.reservedReady('w1')).toBe(2);

    const warm: boolean[] = [];
    const node = await manager.acquire(key('a'), (isWarm) => warm.push(isWarm), { reservation: 'w1' });
    expect(warm).toEqual([true]);
    expect(node.name).toBe(node1('a'));
    expect(manager.nodesOf(key('a')).map((sandbox) => sandbox.name)).toEqual([node1('a'), learnerContainerName(key('a'), 'node2')]);
    const mine = engine.placed().filter(([name]) => name.startsWith('slipway-l-'));
    expect(new Set(mine.map(([, network]) => network))).toEqual(new Set([node.network]));
    expect(manager.counts).toMatchObject({ sessions: 1, nodes: 2, reserved: 1 });
  });

  it('starts a learner cold when their reservation has nothing ready', async () => {
    start();
    await manager.start();
    await manager.acquire(key('a'), undefined, { reservation: 'nothing' });
    expect(engine.names()).toEqual([node1('a')]);
  });

  it('removes sessions beyond a shrunk reservation, and every one of a dropped one', async () => {
    start();
    await manager.start();
    manager.reserve('w1', 3, 1);
    await vi.waitFor(() => expect(manager.counts.reserved).toBe(3));
    manager.reserve('w1', 1, 1);
    expect(manager.counts.reserved).toBe(1);
    await vi.waitFor(() => expect(engine.names()).toHaveLength(1));
    manager.reserve('w1', 0, 1);
    await vi.waitFor(() => expect(engine.names()).toEqual([]));
    expect(manager.counts.reserved).toBe(0);
  });

  it('reserves sessions of at most the nodes a session may hold', async () => {
    start({ maxNodes: 3 });
    await manager.start();
    manager.reserve('w1', 1, 5);
    await vi.waitFor(() => expect(manager.counts.reserved).toBe(1));
    await manager.acquire(key('a'), undefined, { reservation: 'w1' });
    expect(manager.nodesOf(key('a')).map((sandbox) => sandbox.node)).toEqual(['node1', 'node2', 'node3']);
  });

  it('reserves only below 80 % of the maximum, leaving the rest to learners arriving', async () => {
    start({ maxSandboxes: 10 });
    await manager.start();
    manager.reserve('w1', 5, 3);
    // 80 % of 10 is 8: a third session of 3 nodes would reach 9.
    await vi.waitFor(() => expect(manager.counts.reserved).toBe(2));
    // Closing waits for the refill under way: it stopped there.
    await manager.close();
    expect(engine.names()).toHaveLength(6);
  });

  it('drops an unclaimed reserved session for a learner arriving at the maximum, before reclaiming a closed page', async () => {
    start({ maxSandboxes: 5 });
    await manager.start();
    manager.reserve('w1', 1, 2);
    await vi.waitFor(() => expect(manager.counts.reserved).toBe(1));
    await learner('a', T0, T0);
    await learner('b', T0);
    await learner('c', T0);
    vi.setSystemTime(T0 + HOUR);
    await manager.acquire(key('d'));
    expect(ended).toEqual([]);
    expect(manager.counts.reserved).toBe(0);
    await vi.waitFor(() => expect(engine.names()).toEqual([node1('a'), node1('b'), node1('c'), node1('d')]));
  });

  it('the reaper, too, drops unclaimed reserved sessions before reclaiming closed pages', async () => {
    start({ maxSandboxes: 5 });
    await manager.start();
    manager.reserve('w1', 1, 2);
    await vi.waitFor(() => expect(manager.counts.reserved).toBe(1));
    await learner('a', T0, T0);
    await learner('b', T0);
    await manager.reap(T0 + HOUR);
    expect(ended).toEqual([]);
    expect(manager.counts.reserved).toBe(0);
  });

  it('a reset may take a ready reserved session in place of the learner’s own', async () => {
    start();
    await manager.start();
    await learner('a', T0);
    manager.reserve('w1', 1, 3);
    await vi.waitFor(() => expect(manager.reservedReady('w1')).toBe(1));
    const before = manager.sandboxOf(key('a'))!.network;
    const node = await manager.reset(key('a'), undefined, { reservation: 'w1' });
    expect(node.network).not.toBe(before);
    expect(manager.nodesOf(key('a')).map((sandbox) => sandbox.node)).toEqual(['node1', 'node2', 'node3']);
    expect(manager.reservedReady('w1')).toBe(0);
  });

  it('adopts whole reserved sessions of a reservation made before the start, and removes the rest', async () => {
    const listed = (id: string, session: string, node: string, tag: string) => {
      engine.containers.set(id, reserved(session, node));
      return {
        Id: id,
        Names: [`/${reserved(session, node)}`],
        Labels: { 'slipway.image': 'slipway/sandbox:test', 'slipway.reservation': tag, 'slipway.network': `net-${session}`, 'slipway.node': node },
        State: 'running',
        Created: T0 / 1000,
      } as unknown as Docker.ContainerInfo;
    };
    engine.listed = [
      listed('r1', '0000000001', 'node1', 'w1'),
      listed('r2', '0000000001', 'node2', 'w1'),
      // Not whole: its node2 is missing.
      listed('r3', '0000000002', 'node1', 'w1'),
      // Of a workshop no longer reserving.
      listed('r4', '0000000003', 'node1', 'gone'),
      listed('r5', '0000000003', 'node2', 'gone'),
    ];
    start();
    manager.reserve('w1', 1, 2);
    await manager.start();
    expect(manager.counts.reserved).toBe(1);
    expect(engine.names()).toEqual([reserved('0000000001', 'node1'), reserved('0000000001', 'node2')]);
    await manager.acquire(key('a'), undefined, { reservation: 'w1' });
    expect(engine.names()).toEqual([node1('a'), learnerContainerName(key('a'), 'node2')]);
  });
});

describe('shells started ahead', () => {
  /** A parked shell per sandbox, by container id, recording whether it was released. */
  function parking() {
    const shells = new Map<string, { nonce: string; disposed: boolean }>();
    const parkShell = (container: Docker.Container) => {
      const shell = { nonce: `nonce-${shells.size}`, disposed: false };
      shells.set(container.id, shell);
      const process = { dispose: () => void (shell.disposed = true) } as unknown as TerminalProcess;
      return { nonce: shell.nonce, process: Promise.resolve(process), ended: () => false };
    };
    return { shells, parkShell };
  }

  it('starts one in every sandbox; the session taking a sandbox takes its shell, once', async () => {
    const { shells, parkShell } = parking();
    start({ poolSize: 1, parkShell });
    await manager.start();
    await vi.waitFor(() => expect(manager.counts.pooled).toBe(1));
    const node = await manager.acquire(key('a'));
    expect(shells.get(node.id)).toBeDefined();

    expect(manager.takeShell(node)?.nonce).toBe(shells.get(node.id)!.nonce);
    expect(manager.takeShell(node)).toBeUndefined();
    await manager.release(key('a'));
    // The taker owns it: releasing the sandbox leaves it to them.
    expect(shells.get(node.id)!.disposed).toBe(false);
  });

  it('ends the shell of a sandbox removed before anyone took it, and every waiting one at close', async () => {
    const { shells, parkShell } = parking();
    start({ parkShell });
    await manager.start();
    const node = await manager.acquire(key('a'));
    await manager.release(key('a'));
    await vi.waitFor(() => expect(shells.get(node.id)!.disposed).toBe(true));

    const second = await manager.acquire(key('b'));
    await manager.close();
    await vi.waitFor(() => expect(shells.get(second.id)!.disposed).toBe(true));
  });
});
