import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import type { EngineEvent } from './events';
import { APP_STACK, DB_ID, EXEC_IN_WEB, NGINX_IMAGE_ID, RM_WEB, RUN_HELLO_RM, RUN_WEB, SERVICE_CREATE, T0_MS, TASK_ID, WEB_ID, nanoAt } from './fixtures/events';
import { BUSY, DB, FRESH, NGINX, WEB, container } from './fixtures/snapshots';
import { EXPLORER_TIMING, ExplorerState, type ExplorerCommand, type RefreshCommand } from './state';
import type { EngineSnapshot, ServiceInfo } from '../checks/snapshot';

/** A state on a manual clock that records what it asks for; `take` returns and forgets it. */
function harness() {
  const clock = new ManualClock();
  let sent: ExplorerCommand[] = [];
  const state = new ExplorerState((command) => sent.push(command), clock);
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
      state.event(event);
    }
  };
  /** Subscribes and lists `snapshot` as of engine time `atMs` (after T0). */
  const start = (snapshot: EngineSnapshot, atMs = 0) => {
    state.subscribed();
    const [relist] = take();
    expect(relist).toMatchObject({ kind: 'relist' });
    state.listed((relist as { token: number }).token, snapshot, nanoAt(atMs));
    expect(take()).toEqual([{ kind: 'settled' }]);
  };
  const refreshes = () => take().filter((command): command is RefreshCommand => command.kind === 'refresh');
  return { clock, state, take, play, start, refreshes };
}

const strip = (commands: RefreshCommand[]) => commands.map(({ token: _token, ...rest }) => rest);

describe('ExplorerState', () => {
  it('asks for one listing when subscribed, and is settled once it has it', () => {
    const { state, take } = harness();
    expect(state.live).toBe(false);
    state.subscribed();
    expect(take()).toEqual([{ kind: 'relist', token: 1 }]);
    state.listed(1, FRESH, nanoAt(0));
    expect(take()).toEqual([{ kind: 'settled' }]);
    expect(state.snapshot).toEqual(FRESH);
    expect(state.settled).toBe(true);
  });

  it('coalesces `docker run` into one refresh per object touched', () => {
    const { clock, state, play, start, refreshes, take } = harness();
    start(FRESH);
    play(RUN_WEB(T0_MS + 1000));
    expect(take()).toEqual([]);
    clock.advance(EXPLORER_TIMING.QUIET_MS - 1);
    expect(take()).toEqual([]);
    clock.advance(1);
    const sent = refreshes();
    // pull -> images; create, connect (of the container), start -> the one container.
    expect(strip(sent)).toEqual([{ kind: 'refresh', what: 'images' }, { kind: 'refresh', what: 'container', id: WEB_ID }]);
    expect(state.settled).toBe(false);

    state.refreshed(sent[0]!.token, { what: 'images', images: [NGINX] });
    expect(take()).toEqual([]);
    state.refreshed(sent[1]!.token, { what: 'container', id: WEB_ID, info: WEB });
    expect(take()).toEqual([{ kind: 'settled' }]);
    expect(state.snapshot?.containers).toEqual([WEB]);
    expect(state.snapshot?.networks.find((n) => n.name === 'bridge')?.containers).toEqual(['web']);
  });

  it('removes what a refresh finds gone, and its network membership with it', () => {
    const { clock, state, play, start, refreshes } = harness();
    start({ ...FRESH, containers: [WEB], images: [NGINX] });
    play(RM_WEB(T0_MS + 1000));
    clock.advance(EXPLORER_TIMING.QUIET_MS);
    const [refresh, ...rest] = refreshes();
    expect(rest).toEqual([]);
    expect(refresh).toMatchObject({ what: 'container', id: WEB_ID });
    state.refreshed(refresh!.token, { what: 'container', id: WEB_ID, info: null });
    expect(state.snapshot?.containers).toEqual([]);
    expect(state.snapshot?.networks.find((n) => n.name === 'bridge')?.containers).toEqual([]);
  });

  it('keeps volume users and network members in step with refreshed containers', () => {
    const { clock, state, play, start, refreshes } = harness();
    start({ ...BUSY, containers: [WEB] });
    play(APP_STACK(T0_MS + 1000));
    clock.advance(EXPLORER_TIMING.QUIET_MS);
    const sent = refreshes();
    expect(strip(sent)).toEqual([
      { kind: 'refresh', what: 'network', id: expect.any(String) },
      { kind: 'refresh', what: 'volume', id: 'data' },
      { kind: 'refresh', what: 'container', id: DB_ID },
    ]);
    state.refreshed(sent[2]!.token, { what: 'container', id: DB_ID, info: DB });
    expect(state.snapshot?.volumes).toEqual([{ name: 'data', driver: 'local', users: ['db'] }]);
    expect(state.snapshot?.networks.find((n) => n.name === 'app')?.containers).toEqual(['db']);
  });

  it('asks for nothing after events that change nothing a snapshot shows', () => {
    const { clock, play, start, take } = harness();
    start({ ...FRESH, containers: [WEB] });
    play(EXEC_IN_WEB(T0_MS + 1000));
    clock.advance(10_000);
    expect(take()).toEqual([]);
  });

  it('flushes a steady stream at least every MAX_DELAY_MS, and drops the superseded answer', () => {
    const { clock, state, start, refreshes } = harness();
    start({ ...FRESH, containers: [WEB] });
    // A crash-looping container (`--restart always`): start and die every 60 ms for 1.2 s.
    const loop = Array.from({ length: 20 }, (_, i) => ({
      ...RUN_WEB(T0_MS + 1000 + i * 60)[3]!,
      Action: i % 2 === 0 ? 'start' : 'die',
    }));
    const flushedAt: number[] = [];
    const sent: RefreshCommand[] = [];
    for (const event of loop) {
      state.event(event);
      clock.advance(60);
      for (const command of refreshes()) {
        flushedAt.push(clock.now());
        sent.push(command);
      }
    }
    clock.advance(EXPLORER_TIMING.QUIET_MS);
    sent.push(...refreshes());
    // Observed at the end of the 60 ms step in which each flush fired (at 500 and 1040).
    expect(flushedAt).toEqual([540, 1080]);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((command) => command.token)).size).toBe(3);

    // The first read answers last: it must not overwrite the newest one.
    const exited = container({ ...WEB, status: 'exited', exitCode: 1 });
    state.refreshed(sent[2]!.token, { what: 'container', id: WEB_ID, info: WEB });
    state.refreshed(sent[0]!.token, { what: 'container', id: WEB_ID, info: exited });
    expect(state.snapshot?.containers[0]?.status).toBe('running');
  });

  it('refreshes what changed during the listing, not what the listing already shows', () => {
    const { clock, state, play, take, refreshes } = harness();
    state.subscribed();
    const [relist] = take();
    // The listing started 40 ms into `docker run`: after the pull and the create, before the start.
    play(RUN_WEB(T0_MS));
    state.listed((relist as { token: number }).token, { ...FRESH, images: [NGINX], containers: [container({ ...WEB, status: 'created' })] }, nanoAt(40));
    expect(take()).toEqual([]);
    clock.advance(EXPLORER_TIMING.QUIET_MS);
    expect(strip(refreshes())).toEqual([{ kind: 'refresh', what: 'container', id: WEB_ID }]);
  });

  it('relists after the stream breaks and reconnects, and ignores what the listing already shows', () => {
    const { clock, state, play, start, take, refreshes } = harness();
    start({ ...FRESH, containers: [WEB], images: [NGINX] });
    play(RM_WEB(T0_MS + 1000));
    clock.advance(EXPLORER_TIMING.QUIET_MS);
    const [inFlight] = refreshes();

    state.streamBroken();
    expect(take()).toEqual([{ kind: 'resubscribe' }]);
    expect(state.live).toBe(false);
    // A read begun before the break answers after it; the coming listing supersedes it.
    state.refreshed(inFlight!.token, { what: 'container', id: WEB_ID, info: null });
    expect(state.snapshot?.containers).toEqual([WEB]);
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
    state.subscribed();
    const [relist] = take();
    expect(relist).toMatchObject({ kind: 'relist' });
    const relisted = { ...FRESH, images: [NGINX] };
    state.listed((relist as { token: number }).token, relisted, nanoAt(20_000));
    expect(take()).toEqual([{ kind: 'settled' }]);

    // The reconnected stream replays (`since`) events from before the listing: they undo nothing.
    play([...RM_WEB(T0_MS + 1000), ...RUN_HELLO_RM(T0_MS + 2000), deleteNginx]);
    clock.advance(10_000);
    expect(take()).toEqual([]);
    expect(state.snapshot).toEqual(relisted);
  });

  it('ignores a listing that a newer relist superseded', () => {
    const { state, take } = harness();
    state.subscribed();
    state.streamBroken();
    state.subscribed();
    const commands = take();
    expect(commands.map((command) => command.kind)).toEqual(['relist', 'resubscribe', 'relist']);
    const [first, , second] = commands as { token: number }[];
    state.listed(first!.token, BUSY, nanoAt(0));
    expect(state.snapshot).toBeUndefined();
    state.listed(second!.token, FRESH, nanoAt(10));
    expect(state.snapshot).toEqual(FRESH);
  });

  it('relists rather than refreshing many objects one by one', () => {
    const { clock, state, start, take } = harness();
    start(FRESH);
    // `docker container prune` after a busy lesson: one destroy per container.
    const pruned = Array.from({ length: EXPLORER_TIMING.RELIST_ABOVE + 1 }, (_, i) => ({
      ...RM_WEB(T0_MS + 1000 + i)[3]!,
      Actor: { ID: `${i}`.padStart(64, '0'), Attributes: { name: `c${i}` } },
    }));
    for (const event of pruned) state.event(event);
    clock.advance(EXPLORER_TIMING.QUIET_MS);
    expect(take()).toEqual([{ kind: 'relist', token: expect.any(Number) }]);
    expect(state.live).toBe(false);
  });

  it('follows a swarm service until its tasks run, then stops polling', () => {
    const { clock, state, play, start, refreshes, take } = harness();
    const swarm = { active: true, manager: true, nodes: [], services: [] };
    start({ ...FRESH, swarm });
    play(SERVICE_CREATE(T0_MS + 1000));
    clock.advance(EXPLORER_TIMING.QUIET_MS);
    // The service event is flushed alone, 850 ms before its first task's container; that
    // container's events mark the swarm stale again, so the second read supersedes the first.
    const sent = refreshes();
    expect(strip(sent)).toEqual([
      { kind: 'refresh', what: 'swarm' },
      { kind: 'refresh', what: 'container', id: TASK_ID },
      { kind: 'refresh', what: 'swarm' },
    ]);

    const service = (states: string[]): ServiceInfo => ({
      id: 'svc5earchq1w2e3r4t5y6u7i8',
      name: 'search',
      image: 'nginx:latest',
      mode: 'replicated',
      replicas: 3,
      ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 9200 }],
      networks: ['ingress'],
      update: {},
      tasks: states.map((s, i) => ({ id: `task${i}`, nodeId: 'n1', state: s, desiredState: 'running' })),
    });
    const converging = { ...swarm, services: [service(['running', 'preparing', 'preparing'])] };
    state.refreshed(sent[0]!.token, { what: 'swarm', swarm: converging });
    expect(state.snapshot?.swarm.services).toEqual([]);
    state.refreshed(sent[2]!.token, { what: 'swarm', swarm: converging });
    clock.advance(EXPLORER_TIMING.SWARM_POLL_MS + EXPLORER_TIMING.QUIET_MS);
    const [poll, ...rest] = refreshes();
    expect(rest).toEqual([]);
    expect(poll).toMatchObject({ what: 'swarm' });
    state.refreshed(poll!.token, { what: 'swarm', swarm: { ...swarm, services: [service(['running', 'running', 'running'])] } });
    clock.advance(60_000);
    expect(take()).toEqual([]);
  });

  it('releases its timers when disposed', () => {
    const { clock, state, play, start } = harness();
    start(FRESH);
    play(RUN_WEB(T0_MS + 1000));
    expect(clock.pending).toBe(1);
    state.dispose();
    expect(clock.pending).toBe(0);
  });
});
