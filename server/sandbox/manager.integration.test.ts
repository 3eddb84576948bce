/**
 * The sandbox manager's nodes against a real engine: a learner's nodes share one network and
 * reach each other by name, limits hold, and removal leaves nothing behind; a reserved whole
 * session is handed over under the learner's names on its one network; a trainer's extension
 * outlives a restart. Runs only with
 * SLIPWAY_TEST_DOCKER_HOST set; its sandboxes carry their own instance label.
 */
import Database from 'better-sqlite3';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execInSandbox } from '../session/sandbox-exec';
import { TEST_DOCKER_HOST, connectTestEngine, findSandboxImage } from '../testing/engine';
import { isolationOf } from '../engine/isolation';
import { sandboxEngineOptions } from './engine-options';
import { sqliteWorkshopStore } from '../workshops/store';
import { SandboxManager, type SandboxManagerOptions } from './manager';
import { LABELS } from './spec';

const INSTANCE = `nodestest-${process.pid}`;
const RESERVING = `reservetest-${process.pid}`;
const EXTENDING = `extendtest-${process.pid}`;
const LEARNER = 'abcdef0123456789';
const limits = { memoryBytes: 512 * 1024 ** 2, storageBytes: 512 * 1024 ** 2, cpus: 1, pids: 512, diskBytes: 1024 ** 3 };

/** A manager of its own instance on the test engine, started, with no pool. */
async function startManager(docker: Docker, instance: string, maxSandboxes: number, more: Partial<SandboxManagerOptions> = {}): Promise<SandboxManager> {
  const isolation = isolationOf(await docker.info(), { kind: 'docker-host', host: TEST_DOCKER_HOST! });
  const manager = new SandboxManager(docker, {
    ...sandboxEngineOptions({ isolation, layout: null }, instance, limits),
    instance,
    image: await findSandboxImage(docker),
    catalogContainer: null,
    limits,
    maxSandboxes,
    maxNodes: 2,
    poolSize: 0,
    idleTimeoutMs: 3_600_000,
    maxLifetimeMs: 24 * 3_600_000,
    reclaimGraceMs: 3_600_000,
    ...more,
  });
  await manager.start();
  return manager;
}

/** The containers and networks an instance holds on the engine. */
async function owned(docker: Docker, instance: string) {
  const filters = { label: [`${LABELS.instance}=${instance}`] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return { containers, networks };
}

describe.skipIf(!TEST_DOCKER_HOST)('SandboxManager nodes (real engine)', { timeout: 60_000 }, () => {
  let docker: Docker;
  let manager: SandboxManager;

  const names = async () => {
    const { containers, networks } = await owned(docker, INSTANCE);
    return { containers: containers.map((container) => container.Names[0]!.slice(1)).sort(), networks: networks.map((network) => network.Name) };
  };

  beforeAll(async () => {
    docker = connectTestEngine();
    manager = await startManager(docker, INSTANCE, 3);
  });

  afterAll(async () => {
    await manager?.release(LEARNER);
    await manager?.close();
  });

  it('starts node2 on node1’s network, where each reaches the other by name', async () => {
    const node1 = await manager.acquire(LEARNER);
    const node2 = await manager.addNode(LEARNER, 'node2');
    expect(node2.network).toBe(node1.network);
    expect(manager.nodesOf(LEARNER).map((sandbox) => sandbox.node)).toEqual(['node1', 'node2']);
    const seen = await execInSandbox(node2.container, 'hostname; getent hosts node1 >/dev/null && echo node1-resolves', 10_000);
    expect(seen.output).toBe('node2\nnode1-resolves\n');
  });

  it('refuses a node past the session maximum with NODE_LIMIT_REACHED', async () => {
    await expect(manager.addNode(LEARNER, 'node3')).rejects.toMatchObject({ code: 'NODE_LIMIT_REACHED' });
  });

  it('never removes node1 on its own', async () => {
    await expect(manager.removeNode(LEARNER, 'node1')).rejects.toMatchObject({ code: 'NODE_NOT_FOUND' });
  });

  it('removes a node, then the whole session with its network', async () => {
    await manager.removeNode(LEARNER, 'node2');
    expect((await names()).containers).toEqual([`slipway-l-${LEARNER}-node1`]);
    await manager.release(LEARNER);
    expect(await names()).toEqual({ containers: [], networks: [] });
  });
});

describe.skipIf(!TEST_DOCKER_HOST)('SandboxManager reservations (real engine)', { timeout: 120_000 }, () => {
  let docker: Docker;
  let manager: SandboxManager;

  beforeAll(async () => {
    docker = connectTestEngine();
    manager = await startManager(docker, RESERVING, 4);
  });

  afterAll(async () => {
    manager?.reserve('workshop', 0, 2);
    await manager?.release(LEARNER);
    await manager?.close();
  });

  it('hands a reserved session of 2 nodes over whole: the learner’s names, one network', async () => {
    manager.reserve('workshop', 1, 2);
    await expect.poll(() => manager.counts.reserved, { timeout: 90_000, interval: 250 }).toBe(1);
    const node1 = await manager.acquire(LEARNER, undefined, { reservation: 'workshop' });
    // Nothing more to start once handed over.
    manager.reserve('workshop', 0, 2);
    const { containers } = await owned(docker, RESERVING);
    expect(containers.map((container) => container.Names[0]).sort()).toEqual([`/slipway-l-${LEARNER}-node1`, `/slipway-l-${LEARNER}-node2`]);
    expect(containers.every((container) => container.Labels[LABELS.reservation] === 'workshop')).toBe(true);
    const networks = containers.map((container) => Object.keys(container.NetworkSettings.Networks));
    expect(networks[0]).toEqual([node1.network]);
    expect(networks[1]).toEqual([node1.network]);
    await manager.release(LEARNER);
    expect(await owned(docker, RESERVING)).toEqual({ containers: [], networks: [] });
  });
});

describe.skipIf(!TEST_DOCKER_HOST)('SandboxManager extensions (real engine)', { timeout: 60_000 }, () => {
  const { extensions } = sqliteWorkshopStore(new Database(':memory:'));
  let docker: Docker;
  let manager: SandboxManager;

  beforeAll(async () => {
    docker = connectTestEngine();
    manager = await startManager(docker, EXTENDING, 2, { extensions });
  });

  afterAll(async () => {
    await manager?.release(LEARNER);
    await manager?.close();
  });

  it('keeps a trainer’s extension across a restart and forgets it with the session', async () => {
    await manager.acquire(LEARNER);
    const plain = manager.endsAt(LEARNER)!;
    const extended = manager.extend(LEARNER, 15 * 60_000)!;
    expect(extended - plain).toBe(15 * 60_000);
    // A session removed while Slipway was stopped leaves a row nobody will claim.
    extensions.set('a-container-gone-meanwhile', 60_000);

    await manager.close();
    manager = await startManager(docker, EXTENDING, 2, { extensions });
    // The adopted start is the container's creation, a moment before the session opened.
    expect(Math.abs(manager.endsAt(LEARNER)! - extended)).toBeLessThan(30_000);
    expect([...extensions.all().values()]).toEqual([15 * 60_000]);

    await manager.release(LEARNER);
    expect(extensions.all().size).toBe(0);
  });
});
