/**
 * What one learner command costs in inner-engine calls: `docker run -d --name web -p 8080:80
 * nginx` on node1, nginx not yet pulled, while a lesson step checks for that container and the
 * explorer shows the node. The recorded event burst and the command's report are replayed
 * into the session's features over a counting fake engine, on fake timers.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandRecord } from '../checks/shell-integration';
import type { Check } from '../checks/schema';
import type { EngineEvent } from '../explorer/events';
import { RUN_WEB, SERVICE_CREATE, TASK_ID, WEB_ID } from '../explorer/fixtures/events';
import { ExplorerService } from '../explorer/service';
import { LessonLibrary } from '../lessons/library';
import type { Lesson } from '../lessons/model';
import { LessonsService } from '../lessons/service';
import { sqliteProgressStore } from '../lessons/store';
import type { Sandbox } from '../sandbox/manager';
import { FakeEngine } from '../testing/fake-engine';
import { Emitter } from '../common/emitter';
import type { SessionContext, SessionNode } from './context';

const NGINX_ID = 'sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6';

const lessonChecking = (check: Check): Lesson => ({
  id: 'lesson',
  title: 'Lesson',
  summary: 's',
  order: 1,
  minutes: 5,
  nodes: 1,
  images: [],
  module: 'basics',
  start: {},
  locale: 'en',
  intro: '',
  steps: [{ id: 'step', title: 'Step', html: '', blocks: [], hints: [], checks: [check], quizzes: [], task: false }],
});

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
  const node: SessionNode = { name: 'node1', sandbox: { node: 'node1' } as Sandbox, engine: engine.docker, exec: async () => ({ exitCode: 0, output: '' }) };
  const commands = new Emitter<CommandRecord>();
  const context: SessionContext = {
    learner: 'me',
    nodes: () => [node],
    node: (name) => (name === 'node1' ? node : undefined),
    onNodesChanged: () => ({ dispose: () => undefined }),
    ensureNodes: async () => undefined,
    send: () => undefined,
    onCommand: commands.event,
    history: [],
    log: () => undefined,
  };
  const store = sqliteProgressStore(new Database(':memory:'));
  const features = [new ExplorerService(context), new LessonsService(context, { library: new LessonLibrary([lesson]), store })];
  return { commands, features };
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
  const { commands, features } = session(engine, lessonChecking(check));
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
  commands.fire({ command, exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
  await vi.advanceTimersByTimeAsync(5000);
  for (const feature of features) feature.dispose();
  return { total: engine.calls.length - before, tally: engine.tally(before) };
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

describe('engine calls per learner command', () => {
  it('docker run -d --name web -p 8080:80 nginx', async () => {
    // The explorer re-reads the container (list + inspect) and every image (list + inspect
    // each); the lessons judge twice (after the command, after its events), each judgement a
    // whole snapshot: info, four lists, an inspect of every container and image.
    expect((await measure(new FakeEngine(), WEB_CHECK, 'docker run -d --name web -p 8080:80 nginx', runWeb)).total).toBe(18);
    expect((await measure(busyEngine(), WEB_CHECK, 'docker run -d --name web -p 8080:80 nginx', runWeb)).total).toBe(28);
  });

  it('docker service create --name search -p 9200:80 nginx', async () => {
    // Every swarm re-read is a whole snapshot, on the explorer's side as on the lessons'.
    expect((await measure(swarmManager(), SERVICE_CHECK, 'docker service create --name search -p 9200:80 nginx', createService)).total).toBe(72);
  });
});
