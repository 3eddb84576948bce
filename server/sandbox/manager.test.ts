/**
 * The sandbox manager's releases over an engine in memory, on a fake clock: the maximum
 * lifetime (warned, then ended, watched or not; moved by an extension), closed pages' sessions reclaimed near the
 * maximum and at admission, idle expiry, and the start an adopted session is given.
 * manager.integration.test.ts runs the same manager against a real engine.
 */
import type Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeDocker } from '../testing/fake-docker';
import { SandboxManager, type SandboxManagerOptions } from './manager';
import { LIFETIME_WARNING_MS } from './policy';
import { learnerContainerName } from './spec';

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
