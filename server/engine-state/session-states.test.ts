/**
 * The followers' I/O against fake engines, on fake timers: subscribe then list, read again
 * only what an event touched, list again after the stream breaks (with backoff), recheck the
 * membership on demand, and a swarm change on one node re-read by the managers on the others.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEngine } from '../testing/fake-engine';
import { RUN_WEB, WEB_ID } from './fixtures/events';
import { FOLLOWER_TIMING } from './follower';
import { EngineStates } from './session-states';
import { ENGINE_STATE_TIMING } from './tracker';

const NGINX_ID = 'sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6';

let states: EngineStates;
const lines: string[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  states = new EngineStates({ log: (line) => lines.push(line) });
});
afterEach(() => {
  states.dispose();
  vi.useRealTimers();
});

/** A node of the session, followed from now on, listed once the timers have run. */
async function followed(name: string, engine = new FakeEngine()) {
  const state = states.open(name, engine.docker);
  await vi.advanceTimersByTimeAsync(0);
  return { engine, state };
}

describe('EngineStates', () => {
  it('lists once, then reads only what the events touched', async () => {
    const { engine, state } = await followed('node1');
    expect(engine.tally()).toEqual({ events: 1, info: 1, 'containers.list': 1, 'images.list': 1, 'networks.list': 1, 'volumes.list': 1 });
    expect(state.live).toBe(true);
    const settled: string[] = [];
    states.onSettled((node) => settled.push(node));

    const before = engine.calls.length;
    engine.images.set(NGINX_ID, { id: NGINX_ID, tags: ['nginx:latest'], size: 1, layers: 7 });
    engine.containers.set(WEB_ID, { id: WEB_ID, name: 'web', image: 'nginx', imageId: NGINX_ID, status: 'running' });
    for (const event of RUN_WEB()) engine.emit(event);
    const snapshot = await Promise.all([state.settled(), vi.advanceTimersByTimeAsync(ENGINE_STATE_TIMING.GRACE_MS)]).then(([s]) => s);
    expect(engine.tally(before)).toEqual({ 'images.list': 1, 'images.inspect': 1, 'containers.inspect': 1 });
    expect(snapshot?.containers.map((c) => c.name)).toEqual(['web']);
    expect(snapshot?.images[0]).toMatchObject({ repoTags: ['nginx:latest'], layers: 7 });
    expect(settled).toEqual(['node1']);

    // Another pull: the image known already is not inspected again.
    engine.images.set('sha256:busybox', { id: 'sha256:busybox', tags: ['busybox:latest'], size: 1, layers: 1 });
    const pulled = engine.calls.length;
    engine.emit({ Type: 'image', Action: 'pull', Actor: { ID: 'busybox:latest' } });
    await vi.advanceTimersByTimeAsync(ENGINE_STATE_TIMING.QUIET_MS);
    expect(engine.tally(pulled)).toEqual({ 'images.list': 1, 'images.inspect': 1 });
  });

  it('lists again, with backoff, after the event stream breaks', async () => {
    const engine = new FakeEngine();
    let refuse = true;
    const subscribe = engine.getEvents;
    engine.getEvents = async () => {
      if (refuse) throw new Error('connection refused');
      return subscribe();
    };
    const state = states.open('node1', engine.docker);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.live).toBe(false);
    const [first, second] = FOLLOWER_TIMING.RESUBSCRIBE_BACKOFF_MS;
    await vi.advanceTimersByTimeAsync(first!);
    expect(state.snapshot).toBeUndefined();
    refuse = false;
    await vi.advanceTimersByTimeAsync(second!);
    expect(state.live).toBe(true);
    expect(lines.filter((line) => line.includes('cannot subscribe'))).toHaveLength(2);

    engine.streams.at(-1)!.end();
    // Changed while nobody listened: only the new listing can know.
    engine.volumes.set('quiet', { name: 'quiet', driver: 'local' });
    await vi.advanceTimersByTimeAsync(0);
    expect(state.live).toBe(false);
    await vi.advanceTimersByTimeAsync(first!);
    expect(state.snapshot?.volumes.map((volume) => volume.name)).toEqual(['quiet']);
  });

  it('reads the membership again on recheck, and the swarm lists once it manages one', async () => {
    const { engine, state } = await followed('node1');
    engine.swarm = { manager: true, nodes: [{ ID: 'n1', Description: { Hostname: 'node1' }, Spec: { Role: 'manager' }, Status: { State: 'ready' } }], services: [], tasks: [] };
    const before = engine.calls.length;
    state.recheck();
    const snapshot = await Promise.all([state.settled(), vi.advanceTimersByTimeAsync(1000)]).then(([s]) => s);
    expect(engine.tally(before)).toEqual({ info: 2, 'nodes.list': 1, 'services.list': 1, 'tasks.list': 1 });
    expect(snapshot?.swarm).toMatchObject({ active: true, manager: true, nodes: [{ hostname: 'node1', role: 'manager' }] });
  });

  it('has managers re-read the swarm when a task changes on another node', async () => {
    const manager = new FakeEngine();
    manager.swarm = { manager: true, nodes: [], services: [], tasks: [] };
    await followed('node1', manager);
    const { engine: worker } = await followed('node2');
    const reads = manager.tally()['services.list'];
    worker.emit({ Type: 'container', Action: 'die', Actor: { ID: 'c1', Attributes: { 'com.docker.swarm.service.id': 's1' } } });
    await vi.advanceTimersByTimeAsync(ENGINE_STATE_TIMING.QUIET_MS);
    expect(manager.tally()['services.list']).toBe(reads! + 1);
  });

  it('stops following a node that is closed', async () => {
    const { engine } = await followed('node1');
    states.close('node1');
    expect(engine.streams.at(-1)!.destroyed).toBe(true);
    const before = engine.calls.length;
    engine.emit({ Type: 'container', Action: 'start', Actor: { ID: WEB_ID } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(engine.calls.length).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
  });
});
