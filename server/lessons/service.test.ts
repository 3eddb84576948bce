import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineStates } from '../engine-state/session-states';
import type { Sandbox } from '../sandbox/manager';
import type { SessionNode } from '../session/context';
import { FakeEngine } from '../testing/fake-engine';
import { fakeSessionContext } from '../testing/session-context';
import { LessonLibrary } from './library';
import type { Lesson } from '../protocol/lesson-model';
import { LessonsService } from './service';
import { sqliteProgressStore } from './store';

const QUIZ = { question: 'Q?', choices: [{ answer: 'no', correct: false, why: 'w' }, { answer: 'yes', correct: true, why: 'w' }] };

const lesson: Lesson = {
  id: 'swarm',
  title: 'Swarm',
  summary: 's',
  order: 1,
  minutes: 5,
  nodes: 1,
  images: [],
  module: 'clusters',
  start: { swarm: false },
  locale: 'en',
  intro: '',
  steps: [{ id: 'why', title: 'Why', html: '', blocks: [], hints: [], checks: [], quizzes: [QUIZ], task: false }],
};

/** An engine that is a worker of a swarm and holds nothing else. */
function workerEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.swarm = { manager: false, nodes: [], services: [], tasks: [] };
  return engine;
}

function session(engines: FakeEngine[]) {
  const states = new EngineStates({ log: () => undefined });
  const nodes: SessionNode[] = engines.map((engine, index) => {
    const name = `node${index + 1}`;
    return { name, sandbox: { node: name } as Sandbox, engine: engine.docker, state: states.open(name, engine.docker), exec: async () => ({ exitCode: 0, output: '' }) };
  });
  const { context, sent, setLocale } = fakeSessionContext(() => nodes, states);
  const store = sqliteProgressStore(new Database(':memory:'));
  const service = new LessonsService(context, { library: new LessonLibrary([lesson]), store });
  dispose = () => {
    service.dispose();
    states.dispose();
  };
  return { service, sent, store, nodes, setLocale };
}

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe('LessonsService', () => {
  it('keeps quiz answers and completes a step of quizzes only once its answer is right', async () => {
    const { service, sent, store } = session([]);
    service.handle({ type: 'lesson-select', lessonId: 'swarm', stepId: 'why' });
    service.handle({ type: 'quiz-answer', lessonId: 'swarm', stepId: 'why', quiz: 0, choice: 0 });
    expect(store.progress('me', 'swarm')).toMatchObject({ completedSteps: [], quizAnswers: [{ stepId: 'why', quiz: 0, choice: 0 }] });
    service.handle({ type: 'quiz-answer', lessonId: 'swarm', stepId: 'why', quiz: 0, choice: 1 });
    expect(store.progress('me', 'swarm').completedSteps).toEqual(['why']);
    expect(sent.filter((message) => message.type === 'progress').at(-1)).toMatchObject({ completedSteps: ['why'], quizAnswers: [{ choice: 1 }] });
    service.handle({ type: 'quiz-answer', lessonId: 'swarm', stepId: 'why', quiz: 3, choice: 0 });
    expect(sent.at(-1)).toMatchObject({ type: 'error', code: 'LESSON_NOT_FOUND' });
  });

  it('offers to take the nodes out of a swarm when the lesson opens, and does so on lesson-prepare', async () => {
    const engine = workerEngine();
    const { service, sent, nodes, setLocale } = session([engine]);
    service.handle({ type: 'lesson-select', lessonId: 'swarm', stepId: 'why' });
    await vi.waitFor(() => expect(sent.some((message) => message.type === 'lesson-start')).toBe(true));
    expect(sent.find((message) => message.type === 'lesson-start')).toMatchObject({
      actions: [{ node: 'node1', kind: 'leave-swarm', description: 'node1: leave its swarm (it is a worker)' }],
    });
    // Selecting another step of the same lesson does not ask again.
    const offers = () => sent.filter((message) => message.type === 'lesson-start').length;
    service.handle({ type: 'lesson-select', lessonId: 'swarm', stepId: 'why' });
    service.handle({ type: 'lesson-prepare', lessonId: 'swarm' });
    await vi.waitFor(() => expect(offers()).toBe(2));
    expect(engine.swarm).toBeUndefined();
    expect(sent.filter((message) => message.type === 'lesson-start').at(-1)).toMatchObject({ actions: [], failures: [] });
    // Back in a swarm (the session rechecks the node after the learner's `docker swarm join`) and opened again: offered again.
    engine.swarm = workerEngine().swarm;
    nodes[0]!.state.recheck();
    service.handle({ type: 'lesson-select', lessonId: 'swarm', stepId: 'why', opened: true });
    await vi.waitFor(() => expect(offers()).toBe(3));
    expect(sent.filter((message) => message.type === 'lesson-start').at(-1)).toMatchObject({ actions: [{ kind: 'leave-swarm' }] });
    // In the learner's language.
    setLocale('zh');
    service.handle({ type: 'lesson-select', lessonId: 'swarm', stepId: 'why', opened: true });
    await vi.waitFor(() => expect(offers()).toBe(4));
    expect(sent.filter((message) => message.type === 'lesson-start').at(-1)).toMatchObject({
      actions: [{ kind: 'leave-swarm', description: 'node1：退出它所在的 swarm 集群（它是工作节点）' }],
    });
  });
});
