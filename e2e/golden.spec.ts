/**
 * Golden runs: every lesson, step by step, in a fresh real sandbox, through a real shell with
 * shell integration (a LearnerSession without a page). For each step: its `wrong` block (if
 * any) is run and at least one check must fail with a reason; whatever the wrong block
 * created is removed again; then its solution is run and every check must pass. Judged by
 * the same code as the live service (server/lessons/runner.ts).
 *
 *   npx playwright test e2e/golden.spec.ts [-g <lesson-id>]
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import type Docker from 'dockerode';
import { loadConfig } from '../server/config';
import type { CommandRecord } from '../server/checks/shell-integration';
import { loadLessons } from '../server/lessons/load';
import { solutionOf, type Block, type Lesson, type Step } from '../server/lessons/model';
import { judgeChecks } from '../server/lessons/runner';
import { prepareEngineAndImages, type Prepared } from '../server/main';
import { SandboxManager, type Sandbox } from '../server/sandbox/manager';
import { innerEngine, sandboxAddress } from '../server/session/inner-engine';
import { LearnerSession, SHELL_CHANNEL } from '../server/session/learner-session';
import { execInSandbox } from '../server/session/sandbox-exec';
import { E2E_INSTANCE } from './support/global-setup';

const LESSONS_DIR = path.resolve('lessons');
/** The longest a solution block may take (image builds, pulls from the catalog). */
const BLOCK_TIMEOUT_MS = 180_000;

const lessonFiles = readdirSync(LESSONS_DIR).filter((name) => /^\d\d-[a-z0-9-]+\.md$/.test(name)).sort();

test.setTimeout(15 * 60_000);

let prepared: Prepared;
let manager: SandboxManager;
let lessons: Map<string, Lesson>;

test.beforeAll(async () => {
  const config = loadConfig();
  prepared = await prepareEngineAndImages(config, () => undefined);
  manager = new SandboxManager(prepared.engine.docker, {
    instance: E2E_INSTANCE,
    image: prepared.sandboxImage,
    catalogContainer: prepared.catalogContainer,
    limits: config.sandbox,
    // Each run removes its sandbox itself, which the manager does not count back.
    maxSandboxes: 1000,
    poolSize: 0,
    idleTimeoutMs: 3_600_000,
  });
  const loaded = await loadLessons(LESSONS_DIR);
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
    const run = await GoldenRun.start(prepared.engine.docker, manager);
    const problems: string[] = [];
    try {
      for (const step of lesson!.steps) {
        const where = `${id}/${step.id}`;
        const started = Date.now();
        const fresh = await run.judge(step, started);
        const wrong = step.blocks.filter((block) => block.kind === 'wrong');
        const before = wrong.length > 0 ? await objectIds(run.engine) : undefined;
        const afterWrong = wrong.length > 0 ? (await run.blocks(wrong), await run.judge(step, started)) : fresh;
        const failing = afterWrong.filter((verdict) => !verdict.passed);
        if (failing.length === 0) problems.push(`${where}: every check passes before the solution${wrong.length > 0 ? ' (after the wrong block)' : ''}`);
        for (const verdict of failing) {
          if (verdict.reason.trim() === '') problems.push(`${where}: "${verdict.title}" fails without a reason`);
        }
        if (before) await run.removeCreatedSince(before);

        const solutionStarted = Date.now();
        await run.blocks(solutionOf(step));
        const verdicts = await run.judge(step, started);
        for (const verdict of verdicts.filter((candidate) => !candidate.passed)) {
          problems.push(`${where}: "${verdict.title}" fails after the solution: ${verdict.reason}`);
        }
        console.log(`${where}: ${verdicts.filter((v) => v.passed).length}/${verdicts.length} pass after the solution (${Date.now() - solutionStarted} ms)`);
      }
    } finally {
      await run.dispose();
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
}

/** One lesson's sandbox and shell. */
class GoldenRun {
  readonly #records: CommandRecord[] = [];
  readonly #waiters = new Set<(record: CommandRecord) => void>();

  private constructor(
    private readonly docker: Docker,
    readonly sandbox: Sandbox,
    readonly engine: Docker,
    readonly session: LearnerSession,
  ) {}

  static async start(docker: Docker, manager: SandboxManager): Promise<GoldenRun> {
    const learner = randomBytes(8).toString('hex');
    const sandbox = await manager.acquire(learner);
    const engine = innerEngine(await sandboxAddress(sandbox));
    // The sandbox's dockerd may still be starting to listen on its network.
    const deadline = Date.now() + 60_000;
    while (!(await engine.ping().then(() => true, () => false))) {
      if (Date.now() > deadline) throw new Error(`the engine of ${sandbox.name} does not answer`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    let run: GoldenRun | undefined;
    const collector = (context: { onCommand(listener: (record: CommandRecord) => void): { dispose(): void } }) => {
      context.onCommand((record) => run?.record(record));
      return { attached: () => undefined, handle: () => false, dispose: () => undefined };
    };
    const session = new LearnerSession(learner, sandbox, engine, { cols: 200, rows: 50 }, [collector], () => undefined);
    run = new GoldenRun(docker, sandbox, engine, session);
    await run.command(': golden-ready', 60_000);
    return run;
  }

  record(record: CommandRecord): void {
    this.#records.push(record);
    for (const waiter of this.#waiters) waiter(record);
  }

  /** Types `line` and a marker command into the shell; resolves once the marker finished. */
  async command(text: string, timeoutMs = BLOCK_TIMEOUT_MS): Promise<void> {
    const marker = `: golden-${randomBytes(6).toString('hex')}`;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no prompt within ${timeoutMs / 1000} s after: ${text}`));
      }, timeoutMs);
      const waiter = (record: CommandRecord) => {
        if (!record.command.includes(marker)) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      };
      this.#waiters.add(waiter);
    });
    const terminal = this.session.terminal(SHELL_CHANNEL)!;
    terminal.input(`${text.trimEnd()}\r`);
    terminal.input(`${marker}\r`);
    await done;
  }

  async blocks(blocks: readonly Block[]): Promise<void> {
    for (const block of blocks) await this.command(block.code);
  }

  judge(step: Step, since: number) {
    return judgeChecks(
      { engine: this.engine, node: this.sandbox.node, exec: (script, timeoutMs) => execInSandbox(this.sandbox.container, script, timeoutMs) },
      step.checks,
      this.#records.filter((record) => record.startedAt >= since && !record.command.startsWith(': golden-')),
    );
  }

  /** Undoes what a wrong block created: containers, volumes and networks that were not there before. */
  async removeCreatedSince(before: Set<string>): Promise<void> {
    const now = await objectIds(this.engine);
    for (const key of now) {
      if (before.has(key)) continue;
      const [kind, id] = key.split(':') as [string, string];
      if (kind === 'container') await this.engine.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
    }
    for (const key of now) {
      if (before.has(key)) continue;
      const [kind, id] = key.split(':') as [string, string];
      if (kind === 'volume') await this.engine.getVolume(id).remove().catch(() => undefined);
      if (kind === 'network') await this.engine.getNetwork(id).remove().catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    this.session.dispose();
    await this.sandbox.container.remove({ force: true, v: true }).catch(() => undefined);
    const network = this.docker.getNetwork(this.sandbox.network);
    const details = (await network.inspect().catch(() => null)) as { Containers?: Record<string, unknown> } | null;
    for (const container of Object.keys(details?.Containers ?? {})) {
      await network.disconnect({ Container: container, Force: true }).catch(() => undefined);
    }
    await network.remove().catch(() => undefined);
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
