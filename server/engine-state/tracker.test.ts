import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import type { EngineEvent } from './events';
import {
  APP_STACK,
  CONNECT_WEB_TO_APP,
  CONTAINER_PRUNE,
  DB_ID,
  EXEC_IN_WEB,
  NGINX_IMAGE_ID,
  NODE2_ID,
  PROMOTE_NODE2,
  RENAME_WEB,
  RM_WEB,
  RMI_NGINX,
  RUN_HELLO_RM,
  RUN_WEB,
  SCALE_SEARCH_TO_ZERO,
  SERVICE_CREATE,
  STOP_WEB,
  T0_MS,
  TAG_UNTAG,
  TASK_ID,
  VOLUME_RM,
  WEB_ID,
  nanoAt,
} from './fixtures/events';
import { APP_NET, BUSY, DB, FRESH, NGINX, WEB, container, modelOf } from './fixtures/snapshots';
import type { ServiceRecord, SwarmRecord } from './model';
import type { EngineSnapshot } from './snapshot';
import { ENGINE_STATE_TIMING, EngineStateTracker, type ReadCommand, type Settled, type TrackerCommand } from './tracker';

const { QUIET_MS, GRACE_MS, SETTLE_WAIT_MAX_MS, RELIST_ABOVE, SWARM_POLL_MS } = ENGINE_STATE_TIMING;

/** A tracker on a manual clock that records what it asks for; `take` returns and forgets it. */
function harness() {
  const clock = new ManualClock();
  let sent: TrackerCommand[] = [];
  const tracker = new EngineStateTracker((command) => sent.push(command), clock);
  const announced: Settled[] = [];
  tracker.onSettled((settled) => announced.push(settled));
  const take = () => {
    const taken = sent;
    sent = [];
    return taken;
  };
  /** Delivers events with their recorded spacing, the first one now. */
  const play = (events: EngineEvent[]) => {
    const start = events[0]!.timeNano! / 1e6;
    let elapsed = 0;
    for (const event of events) {
      const offset = event.timeNano! / 1e6 - start;
      clock.advance(offset - elapsed);
      elapsed = offset;
      tracker.event(event);
    }
  };
  /** Subscribes and lists `snapshot` as of engine time `atMs` (after T0); it settles at once. */
  const start = (snapshot: EngineSnapshot, atMs = 0) => {
    tracker.subscribed();
    const [relist] = take();
    expect(relist).toMatchObject({ kind: 'relist' });
    tracker.listed((relist as { token: number }).token, modelOf(snapshot), nanoAt(atMs));
    expect(take()).toEqual([]);
    expect(tracker.settled).toBe(true);
  };
  const reads = () => take().filter((command): command is ReadCommand => command.kind === 'read');
  /** Plays a burst and answers its reads from `answers`, by target key; returns what was read. */
  const after = (events: EngineEvent[], answer: (read: ReadCommand) => Parameters<EngineStateTracker['read']>[1]) => {
    play(events);
    clock.advance(QUIET_MS);
    const sent = reads();
    for (const read of sent) tracker.read(read.token, answer(read));
    return strip(sent);
  };
  return { clock, tracker, announced, take, play, start, reads, after };
}

const strip = (commands: ReadCommand[]) => commands.map(({ token: _token, kind: _kind, ...target }) => target);

const swarmOf = (services: ServiceRecord[] = [], nodes: SwarmRecord['nodes'] = []): SwarmRecord => ({ active: true, manager: true, nodes, services });

const search = (replicas: number, states: string[]): ServiceRecord => ({
  id: 'svc5earchq1w2e3r4t5y6u7i8',
  name: 'search',
  image: 'nginx:latest',
  mode: 'replicated',
  replicas,
  ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 9200 }],
  networkIds: ['ingress'],
  update: {},
  tasks: states.map((state, i) => ({ id: `task${i}`, nodeId: 'n1', state, desiredState: 'running' })),
});

describe('EngineStateTracker', () => {
  it('asks for one listing when subscribed, and is settled once it has it', () => {
    const { tracker, take, announced } = harness();
    expect(tracker.live).toBe(false);
    tracker.subscribed();
    expect(take()).toEqual([{ kind: 'relist', token: 1 }]);
    tracker.listed(1, modelOf(FRESH), nanoAt(0));
    expect(take()).toEqual([]);
    expect(tracker.snapshot).toEqual(FRESH);
    expect(tracker.settled).toBe(true);
    expect(announced).toEqual([{ version: 1, snapshot: FRESH }]);
  });

  it('coalesces `docker run` into one read per object touched', () => {
    const { clock, tracker, play, start, reads, take, announced } = harness();
    start(FRESH);
    play(RUN_WEB(T0_MS + 1000));
    expect(take()).toEqual([]);
    clock.advance(QUIET_MS - 1);
    expect(take()).toEqual([]);
    clock.advance(1);
    const sent = reads();
    // pull -> images; create, connect (of the container), start -> the one container.
    expect(strip(sent)).toEqual([{ what: 'images' }, { what: 'container', id: WEB_ID }]);
    expect(tracker.settled).toBe(false);

    tracker.read(sent[0]!.token, { what: 'images', images: [NGINX] });
    expect(announced).toHaveLength(1);
    tracker.read(sent[1]!.token, { what: 'container', id: WEB_ID, info: WEB });
    expect(announced.map((settled) => settled.version)).toEqual([1, 3]);
    expect(tracker.snapshot?.containers).toEqual([WEB]);
    expect(tracker.snapshot?.networks.find((n) => n.name === 'bridge')?.containers).toEqual(['web']);
  });

  it('removes what a read finds gone, and its network membership with it', () => {
    const { tracker, start, after } = harness();
    start({ ...FRESH, containers: [WEB], images: [NGINX] });
    expect(after(RM_WEB(T0_MS + 1000), () => ({ what: 'container', id: WEB_ID, info: null }))).toEqual([{ what: 'container', id: WEB_ID }]);
    expect(tracker.snapshot?.containers).toEqual([]);
    expect(tracker.snapshot?.networks.find((n) => n.name === 'bridge')?.containers).toEqual([]);
  });

  it('keeps volume users and network members in step with the containers read', () => {
    const { tracker, start, after } = harness();
    start({ ...BUSY, containers: [WEB] });
    const read = after(APP_STACK(T0_MS + 1000), (command) =>
      command.what === 'container'
        ? { what: 'container', id: DB_ID, info: DB }
        : command.what === 'network'
          ? { what: 'network', id: command.id, info: APP_NET }
          : { what: 'volume', id: 'data', info: { name: 'data', driver: 'local', users: [] } },
    );
    expect(read).toEqual([
      { what: 'network', id: expect.any(String) },
      { what: 'volume', id: 'data' },
      { what: 'container', id: DB_ID },
    ]);
    expect(tracker.snapshot?.volumes).toEqual([{ name: 'data', driver: 'local', users: ['db'] }]);
    expect(tracker.snapshot?.networks.find((n) => n.name === 'app')?.containers).toEqual(['db']);
  });

  it('reads a renamed container again, and its networks name it anew', () => {
    const { tracker, start, after, announced } = harness();
    start({ ...FRESH, containers: [WEB], images: [NGINX] });
    after(RENAME_WEB(T0_MS + 1000), () => ({ what: 'container', id: WEB_ID, info: { ...WEB, name: 'site' } }));
    expect(tracker.snapshot?.containers.map((c) => c.name)).toEqual(['site']);
    expect(tracker.snapshot?.networks.find((n) => n.name === 'bridge')?.containers).toEqual(['site']);
    expect(announced.map((settled) => settled.version)).toEqual([1, 2]);
  });

  it('reads a stopped container once, however many events its stop makes', () => {
    const { tracker, start, after } = harness();
    start({ ...FRESH, containers: [WEB], images: [NGINX] });
    const stopped = container({ ...WEB, status: 'exited', exitCode: 0 });
    expect(after(STOP_WEB(T0_MS + 1000), () => ({ what: 'container', id: WEB_ID, info: stopped }))).toEqual([{ what: 'container', id: WEB_ID }]);
    expect(tracker.snapshot?.containers).toEqual([stopped]);
  });

  it('follows a container joining and leaving a network', () => {
    const { clock, tracker, start, after } = harness();
    start({ ...BUSY, containers: [WEB] });
    const [connect, disconnect] = CONNECT_WEB_TO_APP(T0_MS + 1000);
    after([connect!], () => ({ what: 'container', id: WEB_ID, info: { ...WEB, networks: ['bridge', 'app'] } }));
    expect(tracker.snapshot?.networks.find((n) => n.name === 'app')?.containers).toEqual(['web']);
    clock.advance(1000);
    after([disconnect!], () => ({ what: 'container', id: WEB_ID, info: WEB }));
    expect(tracker.snapshot?.networks.find((n) => n.name === 'app')?.containers).toEqual([]);
  });

  it('reads each pruned container, and nothing for the prune itself', () => {
    const { tracker, start, after } = harness();
    start(BUSY);
    const read = after(CONTAINER_PRUNE(T0_MS + 1000), (command) => ({ what: 'container', id: (command as { id: string }).id, info: null }));
    expect(read).toEqual([
      { what: 'container', id: WEB_ID },
      { what: 'container', id: DB_ID },
    ]);
    expect(tracker.snapshot?.containers).toEqual([]);
  });

  it('reads the image list once per burst of tags, untags and deletes', () => {
    const { clock, tracker, start, after } = harness();
    start({ ...FRESH, images: [NGINX] });
    const [tag, untag] = TAG_UNTAG(T0_MS + 1000);
    after([tag!], () => ({ what: 'images', images: [{ ...NGINX, repoTags: ['myapp:1', 'nginx:latest'] }] }));
    expect(tracker.snapshot?.images[0]?.repoTags).toEqual(['myapp:1', 'nginx:latest']);
    clock.advance(3000);
    after([untag!], () => ({ what: 'images', images: [NGINX] }));
    clock.advance(1000);
    expect(after(RMI_NGINX(T0_MS + 5000), () => ({ what: 'images', images: [] }))).toEqual([{ what: 'images' }]);
    expect(tracker.snapshot?.images).toEqual([]);
  });

  it('reads a removed volume', () => {
    const { tracker, start, after } = harness();
    start({ ...BUSY, containers: [WEB] });
    expect(after(VOLUME_RM(T0_MS + 1000), () => ({ what: 'volume', id: 'data', info: null }))).toEqual([{ what: 'volume', id: 'data' }]);
    expect(tracker.snapshot?.volumes).toEqual([]);
  });

  it('asks for nothing after events that change nothing a snapshot shows', () => {
    const { clock, play, start, take } = harness();
    start({ ...FRESH, containers: [WEB] });
    play(EXEC_IN_WEB(T0_MS + 1000));
    clock.advance(10_000);
    expect(take()).toEqual([]);
  });

  it('flushes a steady stream at least every MAX_DELAY_MS, and drops the superseded answer', () => {
    const { clock, tracker, start, reads } = harness();
    start({ ...FRESH, containers: [WEB] });
    // A crash-looping container (`--restart always`): start and die every 60 ms for 1.2 s.
    const loop = Array.from({ length: 20 }, (_, i) => ({
      ...RUN_WEB(T0_MS + 1000 + i * 60)[3]!,
      Action: i % 2 === 0 ? 'start' : 'die',
    }));
    const flushedAt: number[] = [];
    const sent: ReadCommand[] = [];
    for (const event of loop) {
      tracker.event(event);
      clock.advance(60);
      for (const command of reads()) {
        flushedAt.push(clock.now());
        sent.push(command);
      }
    }
    clock.advance(QUIET_MS);
    sent.push(...reads());
    // Observed at the end of the 60 ms step in which each flush fired (at 500 and 1040).
    expect(flushedAt).toEqual([540, 1080]);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((command) => command.token)).size).toBe(3);

    // The first read answers last: it must not overwrite the newest one.
    const exited = container({ ...WEB, status: 'exited', exitCode: 1 });
    tracker.read(sent[2]!.token, { what: 'container', id: WEB_ID, info: WEB });
    tracker.read(sent[0]!.token, { what: 'container', id: WEB_ID, info: exited });
    expect(tracker.snapshot?.containers[0]?.status).toBe('running');
  });

  it('reads what changed during the listing, not what the listing already shows', () => {
    const { clock, tracker, play, take, reads } = harness();
    tracker.subscribed();
    const [relist] = take();
    // The listing started 40 ms into `docker run`: after the pull and the create, before the start.
    play(RUN_WEB(T0_MS));
    tracker.listed((relist as { token: number }).token, modelOf({ ...FRESH, images: [NGINX], containers: [container({ ...WEB, status: 'created' })] }), nanoAt(40));
    expect(take()).toEqual([]);
    expect(tracker.settled).toBe(false);
    clock.advance(QUIET_MS);
    expect(strip(reads())).toEqual([{ what: 'container', id: WEB_ID }]);
  });

  it('lists again after the stream breaks and reconnects, and ignores what the listing already shows', () => {
    const { clock, tracker, play, start, take, reads, announced } = harness();
    const live: boolean[] = [];
    tracker.onLive((value) => live.push(value));
    start({ ...FRESH, containers: [WEB], images: [NGINX] });
    play(RM_WEB(T0_MS + 1000));
    clock.advance(QUIET_MS);
    const [inFlight] = reads();

    tracker.streamBroken();
    expect(take()).toEqual([{ kind: 'resubscribe' }]);
    expect(tracker.live).toBe(false);
    // A read begun before the break answers after it; the coming listing supersedes it.
    tracker.read(inFlight!.token, { what: 'container', id: WEB_ID, info: null });
    expect(tracker.snapshot?.containers).toEqual([WEB]);
    // Nothing is read while there is no stream.
    play(RUN_HELLO_RM(T0_MS + 2000));
    clock.advance(10_000);
    expect(take()).toEqual([]);

    // Meanwhile the learner removed nginx and pulled it again: same image id.
    const deleteNginx: EngineEvent = {
      Type: 'image',
      Action: 'delete',
      Actor: { ID: NGINX_IMAGE_ID, Attributes: { name: NGINX_IMAGE_ID } },
      scope: 'local',
      time: Math.floor((T0_MS + 3000) / 1000),
      timeNano: nanoAt(3000),
    };
    tracker.subscribed();
    const [relist] = take();
    expect(relist).toMatchObject({ kind: 'relist' });
    const relisted = { ...FRESH, images: [NGINX] };
    tracker.listed((relist as { token: number }).token, modelOf(relisted), nanoAt(20_000));
    expect(take()).toEqual([]);
    expect(announced.at(-1)?.snapshot).toEqual(relisted);

    // The reconnected stream replays (`since`) events from before the listing: they undo nothing.
    play([...RM_WEB(T0_MS + 1000), ...RUN_HELLO_RM(T0_MS + 2000), deleteNginx]);
    clock.advance(10_000);
    expect(take()).toEqual([]);
    expect(tracker.snapshot).toEqual(relisted);
    expect(live).toEqual([true, false, true]);
  });

  it('ignores a listing that a newer relist superseded', () => {
    const { tracker, take } = harness();
    tracker.subscribed();
    tracker.streamBroken();
    tracker.subscribed();
    const commands = take();
    expect(commands.map((command) => command.kind)).toEqual(['relist', 'resubscribe', 'relist']);
    const [first, , second] = commands as { token: number }[];
    tracker.listed(first!.token, modelOf(BUSY), nanoAt(0));
    expect(tracker.snapshot).toBeUndefined();
    tracker.listed(second!.token, modelOf(FRESH), nanoAt(10));
    expect(tracker.snapshot).toEqual(FRESH);
  });

  it('lists again rather than reading many objects one by one', () => {
    const { clock, tracker, start, take } = harness();
    start(FRESH);
    // `docker container prune` after a busy lesson: one destroy per container.
    const pruned = Array.from({ length: RELIST_ABOVE + 1 }, (_, i) => ({
      ...RM_WEB(T0_MS + 1000 + i)[3]!,
      Actor: { ID: `${i}`.padStart(64, '0'), Attributes: { name: `c${i}` } },
    }));
    for (const event of pruned) tracker.event(event);
    clock.advance(QUIET_MS);
    expect(take()).toEqual([{ kind: 'relist', token: expect.any(Number) }]);
    expect(tracker.live).toBe(false);
  });

  it('reads the swarm on service, node and task events, polling it while a service converges', () => {
    const { clock, tracker, play, start, reads, take } = harness();
    start({ ...FRESH, swarm: { active: true, manager: true, nodes: [], services: [] } });
    play(SERVICE_CREATE(T0_MS + 1000));
    clock.advance(QUIET_MS);
    // The service event is flushed alone, 850 ms before its first task's container; that
    // container's events mark the swarm stale again, so the second read supersedes the first.
    const sent = reads();
    expect(strip(sent)).toEqual([{ what: 'swarm' }, { what: 'container', id: TASK_ID }, { what: 'swarm' }]);

    const converging = swarmOf([search(3, ['running', 'preparing', 'preparing'])]);
    tracker.read(sent[0]!.token, { what: 'swarm', swarm: converging });
    expect(tracker.snapshot?.swarm.services).toEqual([]);
    tracker.read(sent[2]!.token, { what: 'swarm', swarm: converging });
    // Networks are named in the snapshot; one not listed keeps its id.
    expect(tracker.snapshot?.swarm.services[0]?.networks).toEqual(['ingress']);
    clock.advance(SWARM_POLL_MS + QUIET_MS);
    const [poll, ...rest] = reads();
    expect(rest).toEqual([]);
    expect(poll).toMatchObject({ what: 'swarm' });
    tracker.read(poll!.token, { what: 'swarm', swarm: swarmOf([search(3, ['running', 'running', 'running'])]) });
    clock.advance(60_000);
    expect(take()).toEqual([]);

    // Scaled down: the service event (read alone, its task's container dying 160 ms later),
    // the container and the swarm again; then a promotion.
    clock.advance(1000);
    const scaled = after(SCALE_SEARCH_TO_ZERO(T0_MS + 70_000));
    expect(scaled).toEqual([{ what: 'swarm' }, { what: 'container', id: TASK_ID }, { what: 'swarm' }]);
    clock.advance(1000);
    expect(after(PROMOTE_NODE2(T0_MS + 72_000))).toEqual([{ what: 'swarm' }]);
    expect(tracker.snapshot?.swarm.nodes.map((node) => node.role)).toEqual(['manager']);

    function after(events: EngineEvent[]) {
      play(events);
      clock.advance(QUIET_MS);
      const commands = reads();
      for (const command of commands) {
        tracker.read(
          command.token,
          command.what === 'swarm'
            ? { what: 'swarm', swarm: swarmOf([search(0, [])], [{ id: NODE2_ID, hostname: 'node2', role: 'manager', availability: 'active', state: 'ready', leader: false }]) }
            : { what: 'container', id: TASK_ID, info: null },
        );
      }
      return strip(commands);
    }
  });

  it('rechecks membership on demand, and reads the swarm once it manages one', () => {
    const { clock, tracker, start, reads } = harness();
    start(FRESH);
    tracker.invalidate({ what: 'membership' });
    clock.advance(QUIET_MS);
    const [membership] = reads();
    expect(membership).toMatchObject({ what: 'membership' });
    tracker.read(membership!.token, { what: 'membership', active: true, manager: true });
    expect(tracker.settled).toBe(false);
    clock.advance(QUIET_MS);
    const [swarm] = reads();
    expect(swarm).toMatchObject({ what: 'swarm' });
    tracker.read(swarm!.token, { what: 'swarm', swarm: swarmOf() });
    expect(tracker.settled).toBe(true);

    // Left the swarm: nothing more to read; a swarm read also covers membership.
    tracker.invalidate({ what: 'membership' });
    tracker.invalidate({ what: 'swarm' });
    clock.advance(QUIET_MS);
    const sent = reads();
    expect(strip(sent)).toEqual([{ what: 'swarm' }]);
    tracker.read(sent[0]!.token, { what: 'swarm', swarm: { active: false, manager: false, nodes: [], services: [] } });
    expect(tracker.snapshot?.swarm.active).toBe(false);
    expect(tracker.settled).toBe(true);
  });

  it('announces a new version only when the snapshot changed', () => {
    const { tracker, start, after, announced } = harness();
    start({ ...FRESH, containers: [WEB], images: [NGINX] });
    // `docker restart web`: read again, found as it was.
    after(STOP_WEB(T0_MS + 1000), () => ({ what: 'container', id: WEB_ID, info: WEB }));
    expect(tracker.version).toBe(1);
    expect(announced).toHaveLength(1);
  });

  describe('whenSettled', () => {
    it('answers a grace period after the moment asked about when nothing happens', () => {
      const { clock, tracker, start } = harness();
      start(FRESH);
      const answers: (Settled | undefined)[] = [];
      tracker.whenSettled(clock.now(), (settled) => answers.push(settled));
      clock.advance(GRACE_MS - 1);
      expect(answers).toEqual([]);
      clock.advance(1);
      expect(answers).toEqual([{ version: 1, snapshot: FRESH }]);
    });

    it('waits for the reads of events that arrive within the grace period', () => {
      const { clock, tracker, start, play, reads } = harness();
      start(FRESH);
      const answers: (Settled | undefined)[] = [];
      // The shell reported `docker run` before the engine's events came in.
      tracker.whenSettled(clock.now(), (settled) => answers.push(settled));
      clock.advance(20);
      play(RUN_WEB(T0_MS + 1000));
      clock.advance(QUIET_MS);
      expect(answers).toEqual([]);
      const sent = reads();
      tracker.read(sent[0]!.token, { what: 'images', images: [NGINX] });
      clock.advance(500);
      expect(answers).toEqual([]);
      tracker.read(sent[1]!.token, { what: 'container', id: WEB_ID, info: WEB });
      expect(answers).toHaveLength(1);
      expect(answers[0]?.snapshot.containers).toEqual([WEB]);
    });

    it('gives up after SETTLE_WAIT_MAX_MS without a stream, and answers when disposed', () => {
      const { clock, tracker, start } = harness();
      start(FRESH);
      tracker.streamBroken();
      const answers: (Settled | undefined)[] = [];
      tracker.whenSettled(clock.now(), (settled) => answers.push(settled));
      clock.advance(SETTLE_WAIT_MAX_MS);
      expect(answers).toEqual([undefined]);
      tracker.whenSettled(clock.now(), (settled) => answers.push(settled));
      tracker.dispose();
      expect(answers).toEqual([undefined, undefined]);
      expect(clock.pending).toBe(0);
    });

    it('cancels a wait', () => {
      const { clock, tracker, start } = harness();
      start(FRESH);
      const answers: (Settled | undefined)[] = [];
      const cancel = tracker.whenSettled(clock.now(), (settled) => answers.push(settled));
      cancel();
      clock.advance(SETTLE_WAIT_MAX_MS);
      expect(answers).toEqual([]);
      expect(clock.pending).toBe(0);
    });
  });

  it('releases its timers when disposed', () => {
    const { clock, tracker, play, start } = harness();
    start(FRESH);
    play(RUN_WEB(T0_MS + 1000));
    expect(clock.pending).toBe(1);
    tracker.dispose();
    expect(clock.pending).toBe(0);
  });
});
