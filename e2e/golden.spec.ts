/**
 * Golden runs: every lesson, step by step, in a fresh real session with the nodes the lesson
 * needs; then the whole course in order in ONE session, as a learner takes it (each lesson's
 * start state prepared as when the learner confirms it); then lessons opened out of order in
 * one session. Quiz-only steps have nothing to run. Within a lesson, through real shells with shell integration (a LearnerSession without a page). For
 * each step: its `wrong` block (if any) is run and at least one check must fail with a reason;
 * whatever the wrong block created is removed again; then its solution is run and every check
 * must pass. Each block runs in the shell of its node. Judged by the same code as the live
 * service (server/lessons/runner.ts). Lessons are loaded for this machine's features (IPVS or
 * not), so each machine runs the variant its learners get.
 *
 *   npx playwright test e2e/golden.spec.ts [-g <lesson-id>]
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import type Docker from 'dockerode';
import { loadConfig } from '../server/config';
import { detectMachineFeatures } from '../server/engine/kernel-features';
import type { CommandRecord } from '../server/checks/shell-integration';
import { loadLessons } from '../server/lessons/load';
import { ORIGINAL_LOCALE, solutionOf, type Block, type Lesson, type Step } from '../server/protocol/lesson-model';
import { judgeChecks, settledSnapshots } from '../server/lessons/runner';
import { applyStart, planStart } from '../server/lessons/start-state';
import { prepareEngineAndImages } from '../server/main';
import { nodeChannel } from '../server/protocol/nodes';
import { sandboxEngineOptions } from '../server/sandbox/engine-options';
import { SandboxManager } from '../server/sandbox/manager';
import type { ServiceFactory, SessionContext, SessionNode } from '../server/session/context';
import { LearnerSession } from '../server/session/learner-session';
import { E2E_INSTANCE } from './support/global-setup';

const LESSONS_DIR = path.resolve('lessons');
/** The longest a solution block may take (image builds, pulls from the catalog). */
const BLOCK_TIMEOUT_MS = 180_000;

const lessonFiles = readdirSync(LESSONS_DIR).filter((name) => /^\d\d-[a-z0-9-]+\.md$/.test(name)).sort();

test.setTimeout(15 * 60_000);

let manager: SandboxManager;
let maxNodes: number;
let lessons: Map<string, Lesson>;

test.beforeAll(async () => {
  const config = loadConfig();
  const prepared = await prepareEngineAndImages(config, () => undefined);
  maxNodes = config.maxNodes;
  manager = new SandboxManager(prepared.engine.docker, {
    instance: E2E_INSTANCE,
    image: prepared.sandboxImage,
    catalogContainer: prepared.catalogContainer,
    limits: config.sandbox,
    // One run at a time, which releases its whole session when it ends.
    maxSandboxes: maxNodes,
    maxNodes,
    poolSize: 0,
    idleTimeoutMs: 3_600_000,
    maxLifetimeMs: 24 * 3_600_000,
    reclaimGraceMs: 3_600_000,
    ...sandboxEngineOptions(prepared.engine, E2E_INSTANCE, config.sandbox),
  });
  // The lessons as this machine's learners get them: its kernel picks their variants.
  const machine = await detectMachineFeatures(config.ipvs);
  console.log(`golden runs: ${machine.reason}`);
  const loaded = await loadLessons(LESSONS_DIR, { features: machine.features });
  lessons = new Map(loaded.lessons.map((lesson) => [lesson.id, lesson]));
});

test.afterAll(async () => {
  await manager?.close();
});

for (const file of lessonFiles) {
  const id = file.replace(/^\d\d-/, '').replace(/\.md$/, '');
  test(`golden run: ${id}`, async () => {
    const lesson = lessons.get(id);
    expect(lesson, `${file} loads (see npx tsx server/lessons/check-cli.ts)`).toBeDefined();
    const run = await GoldenRun.start(manager, lesson!.nodes);
    const problems: string[] = [];
    try {
      await runLesson(run, lesson!, problems);
    } finally {
      await run.dispose();
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
}

/** Lessons one after another in one session, each opened as a learner opens it. */
async function runCourse(ids: readonly string[]): Promise<void> {
  const course = ids.map((id) => lessons.get(id)!);
  expect(course.every(Boolean), `every lesson of ${ids.join(', ')} loads`).toBe(true);
  const run = await GoldenRun.start(manager, 1);
  const problems: string[] = [];
  try {
    for (const lesson of course) {
      await run.open(lesson);
      await runLesson(run, lesson, problems);
    }
  } finally {
    await run.dispose();
  }
  expect(problems, problems.join('\n')).toEqual([]);
}

test('golden run: the whole course in order, in one session', async () => {
  test.setTimeout(40 * 60_000);
  await runCourse([...lessons.values()].sort((a, b) => a.order - b.order).map((lesson) => lesson.id));
});

test('golden run: lessons opened out of order, in one session', async () => {
  test.setTimeout(20 * 60_000);
  await runCourse(['overlay-networks', 'swarm-cluster', 'running-containers', 'docker-compose', 'volumes']);
});

/** One lesson's steps, in a session already holding its nodes; problems are collected. */
async function runLesson(run: GoldenRun, lesson: Lesson, problems: string[]): Promise<void> {
  for (const step of lesson.steps) {
    const where = `${lesson.id}/${step.id}`;
    // A step of quizzes only leaves nothing to run or check (the parser saw to their answers).
    if (step.checks.length === 0) continue;
    const started = Date.now();
    const fresh = await run.judge(step, started);
    const wrong = step.blocks.filter((block) => block.kind === 'wrong');
    const before = wrong.length > 0 ? await run.objectIds() : undefined;
    const afterWrong = wrong.length > 0 ? (await run.blocks(wrong), await run.judge(step, started)) : fresh;
    const failing = afterWrong.filter((verdict) => !verdict.passed);
    if (failing.length === 0) problems.push(`${where}: every check passes before the solution${wrong.length > 0 ? ' (after the wrong block)' : ''}`);
    for (const verdict of failing) {
      if (verdict.reason.trim() === '') problems.push(`${where}: "${verdict.title}" fails without a reason`);
    }
    if (before) await run.removeCreatedSince(before);

    const solutionStarted = Date.now();
    await run.blocks(solutionOf(step));
    const verdicts = await run.judgeSettled(step, started);
    for (const verdict of verdicts.filter((candidate) => !candidate.passed)) {
      problems.push(`${where}: "${verdict.title}" fails after the solution: ${verdict.reason}`);
    }
    console.log(`${where}: ${verdicts.filter((v) => v.passed).length}/${verdicts.length} pass after the solution (${Date.now() - solutionStarted} ms)`);
  }
}

/**
 * Some state settles after the command that causes it returned (a swarm marks an update
 * completed once its monitor period passed); the live service judges again on the engine's
 * events, so a golden run judges again, a second apart, for up to this long.
 */
const SETTLE_MS = 15_000;

/** One lesson's session: its nodes and their shells. */
class GoldenRun {
  readonly #records: CommandRecord[] = [];
  readonly #waiters = new Set<(record: CommandRecord) => void>();
  /** Nodes whose shell has answered once. */
  readonly #readied = new Set<string>();
  #session: LearnerSession | undefined;
  /** What the session offers its features: the run is one, beside no others. */
  #context: SessionContext | undefined;

  private constructor(
    private readonly manager: SandboxManager,
    private readonly learner: string,
  ) {}

  static async start(manager: SandboxManager, nodes: number): Promise<GoldenRun> {
    const run = new GoldenRun(manager, randomBytes(8).toString('hex'));
    try {
      await run.#open(nodes);
    } catch (error) {
      await run.dispose();
      throw error;
    }
    return run;
  }

  async #open(nodes: number): Promise<void> {
    const { manager, learner } = this;
    const collector: ServiceFactory = (context) => {
      this.#context = context;
      const commands = context.onCommand((record) => this.#record(record));
      return { attached: () => undefined, handle: () => false, dispose: () => commands.dispose() };
    };
    this.#session = await LearnerSession.open({
      learner,
      nodes: [await manager.acquire(learner)],
      provider: { add: (name) => manager.addNode(learner, name), remove: (name) => manager.removeNode(learner, name) },
      maxNodes,
      size: { cols: 200, rows: 50 },
      services: [collector],
      locale: ORIGINAL_LOCALE,
      log: () => undefined,
    });
    await this.#ready(nodes);
  }

  /** As the lessons service does when a learner opens a lesson: node1 .. node<count>, answering. */
  async #ready(count: number): Promise<void> {
    await this.#session!.ensureNodes(count);
    await Promise.all(
      this.#nodes()
        .filter((node) => !this.#readied.has(node.name))
        .map(async (node) => {
          await engineAnswers(node);
          await this.command(': golden-ready', node.name, 60_000);
          this.#readied.add(node.name);
        }),
    );
  }

  /**
   * Opens a lesson as the page does: the session gets its nodes, and what its start state
   * finds in the way is removed (what a learner's confirmation does, server/lessons/service.ts).
   */
  async open(lesson: Lesson): Promise<void> {
    await this.#ready(lesson.nodes);
    const nodes = this.#nodes().filter((node) => Number(node.name.slice(4)) <= lesson.nodes);
    const actions = planStart(lesson, await settledSnapshots(nodes), ORIGINAL_LOCALE);
    if (actions.length > 0) console.log(`${lesson.id}: start state: ${actions.map((action) => action.description).join('; ')}`);
    const failures = await applyStart(actions, (name) => this.#context!.node(name), ORIGINAL_LOCALE);
    if (failures.length > 0) throw new Error(`${lesson.id}: the start state could not be prepared: ${failures.join('; ')}`);
    // Each shell goes back to its home folder, as a learner's new habit would not guarantee.
    for (const node of nodes) await this.command('cd ~', node.name, 60_000);
  }

  #nodes(): readonly SessionNode[] {
    return this.#context!.nodes();
  }

  #record(record: CommandRecord): void {
    this.#records.push(record);
    for (const waiter of this.#waiters) waiter(record);
  }

  /** Types `text` and a marker command into the node's shell; resolves once the marker finished. */
  async command(text: string, node: string, timeoutMs = BLOCK_TIMEOUT_MS): Promise<void> {
    const marker = `: golden-${randomBytes(6).toString('hex')}`;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no prompt on ${node} within ${timeoutMs / 1000} s after: ${text}`));
      }, timeoutMs);
      const waiter = (record: CommandRecord) => {
        if (!record.command.includes(marker)) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      };
      this.#waiters.add(waiter);
    });
    const terminal = this.#session!.terminal(nodeChannel(node));
    if (!terminal) throw new Error(`${node} has no shell: the lesson's nodes are ${this.#nodes().map((n) => n.name).join(', ')}`);
    terminal.input(`${text.trimEnd()}\r`);
    terminal.input(`${marker}\r`);
    await done;
  }

  async blocks(blocks: readonly Block[]): Promise<void> {
    for (const block of blocks) await this.command(block.code, block.node);
  }

  judge(step: Step, since: number) {
    return judgeChecks(
      (name) => this.#context!.node(name),
      step.checks,
      this.#records.filter((record) => record.startedAt >= since && !record.command.startsWith(': golden-')),
      ORIGINAL_LOCALE,
    );
  }

  /** Judges until every check passes or SETTLE_MS passed; the last verdicts. */
  async judgeSettled(step: Step, since: number) {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const verdicts = await this.judge(step, since);
      if (verdicts.every((verdict) => verdict.passed) || Date.now() > deadline) return verdicts;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** Every node's containers, volumes and networks, as `node:kind:id`. */
  async objectIds(): Promise<Set<string>> {
    const perNode = await Promise.all(
      this.#nodes().map(async ({ name, engine }) => [...(await objectIds(engine))].map((key) => `${name}:${key}`)),
    );
    return new Set(perNode.flat());
  }

  /** Undoes what a wrong block created on any node: containers, volumes and networks that were not there before. */
  async removeCreatedSince(before: Set<string>): Promise<void> {
    const created = [...(await this.objectIds())].filter((key) => !before.has(key)).map((key) => key.split(':') as [string, string, string]);
    const engineOf = (node: string) => this.#context!.node(node)!.engine;
    // Containers first: they hold the volumes and networks.
    for (const [node, kind, id] of created) {
      if (kind === 'container') await engineOf(node).getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
    }
    for (const [node, kind, id] of created) {
      if (kind === 'volume') await engineOf(node).getVolume(id).remove().catch(() => undefined);
      if (kind === 'network') await engineOf(node).getNetwork(id).remove().catch(() => undefined);
    }
  }

  /** Removes the whole session: every node and its network. */
  async dispose(): Promise<void> {
    this.#session?.dispose();
    await this.manager.release(this.learner);
  }
}

/** A new node's dockerd may still be starting to listen on the session's network. */
async function engineAnswers(node: SessionNode): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await node.engine.ping().then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`the engine of ${node.name} does not answer`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function objectIds(engine: Docker): Promise<Set<string>> {
  const [containers, volumes, networks] = await Promise.all([
    engine.listContainers({ all: true }),
    engine.listVolumes(),
    engine.listNetworks(),
  ]);
  return new Set([
    ...containers.map((container) => `container:${container.Id}`),
    ...(volumes.Volumes ?? []).map((volume) => `volume:${volume.Name}`),
    ...networks.map((network) => `network:${network.Id}`),
  ]);
}
