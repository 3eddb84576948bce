/**
 * What one learner command costs in inner-engine calls: `docker run -d --name web -p 8080:80
 * nginx` on node1 (nginx not yet pulled), or `docker service create` on a one-node swarm,
 * while a lesson step checks what it makes and the explorer shows the node. The recorded event
 * burst and the command's report are replayed into the node's engine state and the session's
 * features over a counting fake engine, on fake timers.
 *
 * Before engine-state (measured by this test at 799d876), each feature followed the engine on
 * its own: the explorer re-read the container (list + inspect) and every image (list + an
 * inspect each), a swarm event costing it a whole snapshot; the lessons judged twice (after
 * the command, after its events), each judgement a whole snapshot: info, four lists, an
 * inspect of every container and image, and the swarm's three lists on a manager.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandRecord } from '../checks/shell-integration';
import type { Check } from '../protocol/checks';
import type { EngineEvent } from '../engine-state/events';
import { RUN_WEB, SERVICE_CREATE, TASK_ID, WEB_ID } from '../engine-state/fixtures/events';
import { ExplorerService } from '../explorer/service';
import { LessonLibrary } from '../lessons/library';
import type { Lesson } from '../protocol/lesson-model';
import { LessonsService } from '../lessons/service';
import { sqliteProgressStore } from '../lessons/store';
import type { Sandbox } from '../sandbox/manager';
import { FakeEngine } from '../testing/fake-engine';
import { lessonChecking } from '../testing/lessons';
import { fakeSessionContext } from '../testing/session-context';
import { EngineStates } from '../engine-state/session-states';
import type { SessionNode } from './context';

const NGINX_ID = 'sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6';

/** A node after the first lessons: two containers and two images already there. */
function busyEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.images.set('sha256:hello', { id: 'sha256:hello', tags: ['hello-world:latest'], size: 13_256, layers: 1 });
  engine.images.set('sha256:busybox', { id: 'sha256:busybox', tags: ['busybox:latest'], size: 4_000_000, layers: 1 });
  engine.containers.set('c-hello', { id: 'c-hello', name: 'eager_turing', image: 'hello-world', imageId: 'sha256:hello', status: 'exited' });
  engine.containers.set('c-box', { id: 'c-box', name: 'box', image: 'busybox', imageId: 'sha256:busybox', status: 'exited', exitCode: 1 });
  return engine;
}

function session(engine: FakeEngine, lesson: Lesson) {
  const states = new EngineStates({ log: () => undefined });
  const node: SessionNode = {
    name: 'node1',
    sandbox: { node: 'node1' } as Sandbox,
    engine: engine.docker,
    state: states.open('node1', engine.docker),
    exec: async () => ({ exitCode: 0, output: '' }),
  };
  const { context, sent, commands } = fakeSessionContext(() => [node], states);
  const store = sqliteProgressStore(new Database(':memory:'));
  const features = [new ExplorerService(context), new LessonsService(context, { library: new LessonLibrary([lesson]), store })];
  /** The shell's report of a command, as LearnerSession passes it on. */
  const finished = (record: CommandRecord) => {
    node.state.recheck();
    commands.fire(record);
  };
  const dispose = () => {
    for (const feature of features) feature.dispose();
    states.dispose();
  };
  return { finished, features, dispose, sent };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => vi.useRealTimers());

/**
 * Replays a command on node1: `change` makes its objects and returns its events as recorded;
 * the shell reports the command 10 ms after the last event. The calls from the command on.
 */
async function measure(engine: FakeEngine, check: Check, command: string, change: (engine: FakeEngine) => EngineEvent[]) {
  const { finished, features, dispose, sent } = session(engine, lessonChecking(check));
  features[1]!.handle({ type: 'lesson-select', lessonId: 'lesson', stepId: 'step' });
  await vi.advanceTimersByTimeAsync(5000);
  const before = engine.calls.length;
  const startedAt = Date.now();
  const burst = change(engine);
  const first = burst[0]!.timeNano! / 1e6;
  let elapsed = 0;
  for (const event of burst) {
    const at = event.timeNano! / 1e6 - first;
    await vi.advanceTimersByTimeAsync(at - elapsed);
    elapsed = at;
    engine.emit(event);
  }
  await vi.advanceTimersByTimeAsync(10);
  finished({ command, exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
  await vi.advanceTimersByTimeAsync(5000);
  dispose();
  const verdicts = sent.findLast((message) => message.type === 'verdicts');
  const diff = sent.findLast((message) => message.type === 'explorer-diff');
  return {
    total: engine.calls.length - before,
    tally: engine.tally(before),
    complete: verdicts?.type === 'verdicts' && verdicts.complete,
    diff: diff?.type === 'explorer-diff' ? diff.summary : undefined,
  };
}

const runWeb = (engine: FakeEngine) => {
  engine.images.set(NGINX_ID, { id: NGINX_ID, tags: ['nginx:latest'], size: 187_694_648, layers: 7 });
  engine.containers.set(WEB_ID, { id: WEB_ID, name: 'web', image: 'nginx', imageId: NGINX_ID, status: 'running', ports: [{ containerPort: 80, hostPort: 8080 }] });
  return RUN_WEB(0);
};
const WEB_CHECK: Check = { type: 'container', node: 'node1', name: 'web', exists: true, status: 'running', ports: ['8080->80'] };

/** `docker service create --name search -p 9200:80 nginx` on a one-node swarm, the task running. */
const createService = (engine: FakeEngine) => {
  const task = SERVICE_CREATE(0)[1]!.Actor!.Attributes!;
  engine.images.set(NGINX_ID, { id: NGINX_ID, tags: ['nginx:latest'], size: 187_694_648, layers: 7 });
  engine.containers.set(TASK_ID, { id: TASK_ID, name: task.name!, image: task.image!, imageId: NGINX_ID, status: 'running', labels: task });
  engine.swarm!.services.push({ ID: 'svc5earchq1w2e3r4t5y6u7i8', Spec: { Name: 'search', Mode: { Replicated: { Replicas: 1 } } } });
  engine.swarm!.tasks.push({ ID: 'k3ask1dq9x2m7r5b0v8n4c6z', ServiceID: 'svc5earchq1w2e3r4t5y6u7i8', NodeID: 'n1', Status: { State: 'running' }, DesiredState: 'running' });
  return SERVICE_CREATE(0);
};
const SERVICE_CHECK: Check = { type: 'service', node: 'node1', name: 'search', exists: true, replicas: 1 };

function swarmManager(): FakeEngine {
  const engine = busyEngine();
  engine.swarm = { manager: true, nodes: [{ ID: 'n1', Description: { Hostname: 'node1' }, Spec: { Role: 'manager' }, Status: { State: 'ready' } }], services: [], tasks: [] };
  return engine;
}

/** The same commands through the code before engine-state (see above). */
const CALLS_BEFORE = { runOnFreshNode: 18, runOnBusyNode: 28, serviceCreate: 72 };

describe('engine calls per learner command', () => {
  it('docker run -d --name web -p 8080:80 nginx: 4, however much the node holds', async () => {
    // The image list and the one new image's inspection (pull), the container's inspection
    // (create, connect, start), and the membership after the command: judging reads none.
    const expected = { 'images.list': 1, 'images.inspect': 1, 'containers.inspect': 1, info: 1 };
    const fresh = await measure(new FakeEngine(), WEB_CHECK, 'docker run -d --name web -p 8080:80 nginx', runWeb);
    expect(fresh.tally).toEqual(expected);
    const busy = await measure(busyEngine(), WEB_CHECK, 'docker run -d --name web -p 8080:80 nginx', runWeb);
    expect(busy.tally).toEqual(expected);
    expect([fresh.total, busy.total]).toEqual([4, 4]);
    expect(fresh.total).toBeLessThan(CALLS_BEFORE.runOnFreshNode);
    expect(busy.total).toBeLessThan(CALLS_BEFORE.runOnBusyNode);
    // And the features got what they did before: a verdict, a diff.
    expect(busy).toMatchObject({ complete: true, diff: '+ image nginx:latest, + container web (nginx)' });
  });

  it('docker service create --name search -p 9200:80 nginx: 9', async () => {
    // The swarm twice (its service event alone, then with its task's container): info and
    // the three lists each time; the task's container; the membership goes with the swarm.
    const created = await measure(swarmManager(), SERVICE_CHECK, 'docker service create --name search -p 9200:80 nginx', createService);
    expect(created.tally).toEqual({ info: 2, 'nodes.list': 2, 'services.list': 2, 'tasks.list': 2, 'containers.inspect': 1 });
    expect(created.total).toBe(9);
    expect(created.total).toBeLessThan(CALLS_BEFORE.serviceCreate);
    expect(created).toMatchObject({ complete: true, diff: expect.stringContaining('+ service search') });
  });
});
