/**
 * The workshop crowd (`npm run bench`, section `crowd`): BENCH_CROWD_LEARNERS participants
 * (40) of one workshop over the WebSocket protocol itself, as a page uses it, and a trainer
 * watching the dashboard, both over the trainer's socket (every latency) and in Chromium (what
 * the dashboard page costs). The workshop is made to start soon, so its sessions are started
 * ahead (how long all take is timed); then the participants arrive at once by the join link
 * (each page's sandbox one of those), join and go through the
 * first lesson's steps together: at each step they type at human pace (every letter waits for
 * its echo), select the step, run its command and wait for its verdict. Then they sit idle,
 * and what an idle sandbox holds says how many more would fit.
 */
import { freemem, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { Browser } from '@playwright/test';
import WebSocket from 'ws';
import { memoryReserve } from '../../server/config';
import { NEAR_FULL } from '../../server/sandbox/policy';
import { TRAINER_WS_PATH, parseTrainerServerMessage, type DashboardRow, type ServerMessage, type TrainerClientMessage, type TrainerServerMessage } from '../../server/protocol';
import { Errors, Learner, PROMPT, nextMessage, sampleServer, waitForSandboxes } from './clients';
import { VIEWPORT } from './page';
import { round, summarize, summarizeSamples } from './stats';
import { chromiumPids, cpuSeconds } from './system';

export const CROWD = { learners: Number(process.env.BENCH_CROWD_LEARNERS ?? 40) };
export const CROWD_POOL = 2;
/**
 * The crowd's server maximum: a session started ahead for each participant must fit below the
 * reclaim mark (NEAR_FULL of the maximum), with the pool and one to spare.
 */
export const crowdMaxSandboxes = (learners: number) => Math.ceil((learners + CROWD_POOL + 2) / NEAR_FULL);
/** The workshop starts this long after it is made: within the reservation lead, so its sessions start at once. */
const STARTS_IN_MS = 10 * 60_000;
const RESERVED_TIMEOUT_MS = 30 * 60_000;
export const CROWD_TARGETS = { echoP95Ms: 50, verdictP95Ms: 300, dashboardP95Ms: 1000, idleSandboxes: 150 };

const LESSON = 'images-and-containers';
/** The lesson's steps with a command check, and a command each passes with. */
const STEPS = [
  { id: 'version', command: 'docker version >/dev/null' },
  { id: 'info', command: 'docker info >/dev/null' },
  { id: 'hello-world', command: 'docker run hello-world >/dev/null' },
  { id: 'list-images', command: 'docker images >/dev/null' },
  { id: 'list-containers', command: 'docker ps -a >/dev/null' },
  { id: 'volumes-and-networks', command: 'docker network ls >/dev/null' },
] as const;
/** Letters typed (and erased) before each step's command, as someone reading and trying. */
const LETTERS_PER_STEP = 15;
const KEY_EVERY_MS = 150;
const ECHO_TIMEOUT_MS = 10_000;
const STEP_TIMEOUT_MS = 120_000;
const IDLE_SETTLE_MS = 10_000;

/** The trainer's socket: the dashboards it is sent, each with when it came. */
class TrainerClient {
  readonly #socket: WebSocket;
  readonly #listeners = new Set<(message: TrainerServerMessage) => void>();

  private constructor(socket: WebSocket, errors: Errors) {
    this.#socket = socket;
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      const parsed = parseTrainerServerMessage(data.toString('utf8'));
      if (!parsed.ok) return errors.record('trainer-message', parsed.error);
      if (parsed.message.type === 'trainer-error') errors.record('trainer-error', `${parsed.message.code}: ${parsed.message.message}`);
      for (const listener of this.#listeners) listener(parsed.message);
    });
    socket.on('error', (error) => errors.record('trainer-socket', error.message));
  }

  static async open(url: string, token: string, errors: Errors): Promise<TrainerClient> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${TRAINER_WS_PATH}`, { headers: { Authorization: `Bearer ${token}`, Origin: url } });
    const trainer = new TrainerClient(socket, errors);
    const welcome = trainer.next((message) => message.type === 'trainer-welcome', 30_000);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await welcome;
    return trainer;
  }

  send(message: TrainerClientMessage): void {
    this.#socket.send(JSON.stringify(message));
  }

  /** The next message `matches` accepts, and when it came. */
  next(matches: (message: TrainerServerMessage) => boolean, timeoutMs: number) {
    return nextMessage(this.#listeners, matches, timeoutMs);
  }

  /** When a dashboard first shows `name`'s row with `completed` steps or more. */
  rowCompleted(name: string, completed: number, timeoutMs: number): Promise<number> {
    const done = (row: DashboardRow | undefined) => row !== undefined && row.completed >= completed;
    return this.next((message) => message.type === 'dashboard' && done(message.rows.find((row) => row.name === name)), timeoutMs).then(({ at }) => at);
  }

  close(): void {
    this.#socket.close();
  }
}

interface Figures {
  echoMs: number[];
  /** The command's prompt back in the terminal → its step's verdict `complete`, by step. */
  verdictMs: Record<string, number[]>;
  /** The same prompt → the trainer's dashboard row counting the step. */
  dashboardMs: number[];
  /** `docker network create`'s prompt → the explorer's diff adding the network. */
  explorerMs: number[];
  /** Enter → prompt of each step's command. */
  commandMs: number[];
}

/** One participant through the lesson's steps. */
async function participate(learner: Learner, name: string, trainer: TrainerClient, figures: Figures, errors: Errors): Promise<void> {
  for (const [index, step] of STEPS.entries()) {
    for (let typed = 0; typed < LETTERS_PER_STEP; typed += 1) {
      const letter = String.fromCharCode(97 + ((typed + index) % 26));
      const echo = learner.waitFor(letter, ECHO_TIMEOUT_MS);
      learner.type(letter);
      try {
        figures.echoMs.push((await echo).ms);
      } catch (error) {
        errors.record('echo', `${name}: ${(error as Error).message}`);
      }
      await sleep(KEY_EVERY_MS + Math.random() * 100);
    }
    learner.type('\x15');
    const judged = nextControl(learner, (message) => message.type === 'verdicts' && message.stepId === step.id, STEP_TIMEOUT_MS);
    learner.send({ type: 'lesson-select', lessonId: LESSON, stepId: step.id, opened: index === 0 });
    await judged.catch((error: Error) => errors.record('verdict', `${name} ${step.id}: no first verdicts (${error.message})`));
    const passed = nextControl(learner, (message) => message.type === 'verdicts' && message.stepId === step.id && message.complete, STEP_TIMEOUT_MS);
    const dashboard = trainer.rowCompleted(name, index + 1, STEP_TIMEOUT_MS);
    try {
      const { promptAt, ms } = await run(learner, step.command);
      figures.commandMs.push(ms);
      const [verdictAt, rowAt] = await Promise.all([passed, dashboard]);
      (figures.verdictMs[step.id] ??= []).push(Math.max(0, verdictAt - promptAt));
      figures.dashboardMs.push(Math.max(0, rowAt - promptAt));
    } catch (error) {
      errors.record('step', `${name} ${step.id}: ${(error as Error).message}`);
      return;
    }
  }
  // The explorer: a network exists once its command returns, so its prompt is where the wait starts.
  const network = `crowd-${name}`;
  const listed = nextControl(learner, (message) => message.type === 'explorer-diff' && message.changes.some((change) => change.kind === 'network' && change.name === network), STEP_TIMEOUT_MS);
  try {
    const { promptAt } = await run(learner, `docker network create ${network} >/dev/null`);
    figures.explorerMs.push(Math.max(0, (await listed) - promptAt));
  } catch (error) {
    errors.record('explorer', `${name}: ${(error as Error).message}`);
  }
}

/** Types `command` and Enter; when its prompt came back, and how long after Enter. */
async function run(learner: Learner, command: string): Promise<{ promptAt: number; ms: number }> {
  // Output from now on: the echoed command line, its output, then the prompt PROMPT matches.
  const prompt = learner.waitFor(PROMPT, STEP_TIMEOUT_MS);
  const entered = performance.now();
  learner.type(`${command}\r`);
  const { ms } = await prompt;
  return { promptAt: entered + ms, ms };
}

/** When the learner's socket next gets a control message `matches` accepts. */
function nextControl(learner: Learner, matches: (message: ServerMessage) => boolean, timeoutMs: number): Promise<number> {
  return nextMessage(learner.controls, matches, timeoutMs).then(({ at }) => at);
}

/** The trainer's dashboard page in Chromium, open on the workshop; `close` ends it. */
async function dashboardPage(browser: Browser, url: string, token: string, code: string) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(`${url}/trainer?token=${encodeURIComponent(token)}`);
  await page.locator(`[data-testid=workshop-item][data-code="${code}"]`).click();
  await page.getByTestId('dashboard').waitFor();
  const cdp = await context.newCDPSession(page);
  const heapMiB = async () => round(((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 1024 ** 2, 1);
  return {
    page,
    heapMiB,
    async close() {
      await cdp.detach();
      await context.close();
    },
  };
}

/** Memory an idle sandbox holds, as `docker stats` counts it (usage − inactive file), in MiB. */
async function idleMiB(docker: Docker, id: string): Promise<number> {
  const stats = (await docker.getContainer(id).stats({ stream: false })) as unknown as { memory_stats: { usage: number; stats: Record<string, number> } };
  const { usage, stats: detail } = stats.memory_stats;
  return (usage - (detail.inactive_file ?? detail.total_inactive_file ?? 0)) / 1024 ** 2;
}

export interface CrowdOptions {
  url: string;
  token: string;
  pid: number;
  docker: Docker;
  browser: Browser;
  /** The crowd's sandbox containers' ids (after they are all in). */
  sandboxes: () => Promise<string[]>;
  log: (line: string) => void;
}

export async function crowd({ url, token, pid, docker, browser, sandboxes, log }: CrowdOptions, learners = CROWD.learners) {
  const errors = new Errors();
  const availableBeforeMiB = freemem() / 1024 ** 2;
  const trainer = await TrainerClient.open(url, token, errors);
  const now = Date.now();
  const created = trainer.next((message) => message.type === 'dashboard', 30_000);
  trainer.send({
    type: 'workshop-create',
    draft: { name: 'Bench crowd', lessons: [LESSON], startsAt: now + STARTS_IN_MS, endsAt: now + STARTS_IN_MS + 3 * 3600_000, capacity: learners },
  });
  const { message: first } = await created;
  if (first.type !== 'dashboard') throw new Error('no dashboard after workshop-create');
  const { code, id: workshopId } = first.workshop;
  log(`crowd: starting ${learners} sessions ahead`);
  const reserving = performance.now();
  await waitForSandboxes(url, 'reserved', learners, RESERVED_TIMEOUT_MS);
  const reservedMs = performance.now() - reserving;
  log(`crowd: ${learners} sessions ready ahead after ${round(reservedMs / 1000, 1)} s`);
  const dashboard = await dashboardPage(browser, url, token, code);

  log(`crowd: ${learners} participants arriving at once by the join link`);
  const arrived = performance.now();
  const openMs: number[] = [];
  const joined: Array<{ name: string; learner: Learner }> = [];
  await Promise.all(
    Array.from({ length: learners }, async (_, index) => {
      const name = `p${index}`;
      const started = performance.now();
      try {
        const learner = await Learner.open(url, name, errors, code);
        openMs.push(performance.now() - started);
        const welcomed = nextControl(learner, (message) => message.type === 'workshop' && message.joined === true, 30_000);
        learner.send({ type: 'workshop-join', code, name });
        await welcomed;
        joined.push({ name, learner });
      } catch (error) {
        errors.record('open', `${name}: ${(error as Error).message}`);
      }
    }),
  );
  const allReadyMs = performance.now() - arrived;
  log(`crowd: ${joined.length} in after ${round(allReadyMs / 1000, 1)} s; through ${STEPS.length} steps together`);
  await dashboard.page.locator('[data-testid=participant-row]').nth(joined.length - 1).waitFor({ timeout: 60_000 });

  const figures: Figures = { echoMs: [], verdictMs: {}, dashboardMs: [], explorerMs: [], commandMs: [] };
  const browserPids = chromiumPids();
  const browserCpuBefore = cpuSeconds(browserPids);
  const workStarted = performance.now();
  const working = new AbortController();
  const [samples] = await Promise.all([
    sampleServer(url, pid, working.signal, errors),
    Promise.all(joined.map(({ name, learner }) => participate(learner, name, trainer, figures, errors))).finally(() => working.abort()),
  ]);
  const workSeconds = (performance.now() - workStarted) / 1000;
  const browserCpu = cpuSeconds(browserPids) - browserCpuBefore;
  const completedShown = await dashboard.page.locator(`[data-testid=participant-row][data-completed="${STEPS.length}"]`).count();
  const heapMiB = await dashboard.heapMiB();
  await dashboard.close();

  log(`crowd: steps done; ${IDLE_SETTLE_MS / 1000} s idle`);
  await sleep(IDLE_SETTLE_MS);
  const ids = await sandboxes();
  const perSandboxMiB = await Promise.all(ids.map((id) => idleMiB(docker, id)));
  const availableIdleMiB = freemem() / 1024 ** 2;
  const idle = summarize(perSandboxMiB, 1);
  // The host's side too: what the crowd's sandboxes took from the machine (their engines' files,
  // the host engine's shims), per sandbox; the larger of the two figures is the one that decides.
  const hostPerSandboxMiB = ids.length > 0 ? Math.max(0, availableBeforeMiB - availableIdleMiB) / ids.length : Number.NaN;
  const decidingMiB = Math.max(idle.p50, hostPerSandboxMiB);
  const roomMiB = availableIdleMiB - memoryReserve(totalmem()) / 1024 ** 2;
  const idleSandboxesFit = ids.length + Math.max(0, Math.floor(roomMiB / decidingMiB));
  for (const { learner } of joined) learner.leave();
  trainer.send({ type: 'workshop-state', workshopId, state: 'ended' });
  trainer.close();

  const server = summarizeSamples(samples);
  const result = {
    learners,
    joined: joined.length,
    steps: STEPS.length,
    errors: { total: errors.total, byKind: errors.byKind, first: errors.first },
    reservedAhead: { allMs: round(reservedMs, 0), how: 'workshop made to start in 10 min until /api/health counts a reserved session per participant' },
    sessionsReady: { allMs: round(allReadyMs, 0), eachMs: summarize(openMs, 0), how: 'all arriving at once by the join link, cookie to prompt, then joined' },
    echo: summarize(figures.echoMs, 2),
    verdict: summarize(Object.values(figures.verdictMs).flat(), 1),
    verdictByStep: Object.fromEntries(Object.entries(figures.verdictMs).map(([step, ms]) => [step, summarize(ms, 1)])),
    explorer: summarize(figures.explorerMs, 1),
    dashboard: { ...summarize(figures.dashboardMs, 1), rowsCompletedOnPage: completedShown },
    commandMs: summarize(figures.commandMs, 0),
    server: { ...server, series: samples.map((sample) => [round(sample.at, 0), sample.rssMiB, round(sample.cpuSeconds, 2)]) },
    dashboardPage: { cpuSecondsPerWallSecond: round(browserCpu / workSeconds, 2), jsHeapMiB: heapMiB },
    idle: {
      sandboxes: ids.length,
      perSandboxMiB: idle,
      hostPerSandboxMiB: round(hostPerSandboxMiB, 1),
      memoryAvailableMiB: round(availableIdleMiB, 0),
      reserveMiB: round(memoryReserve(totalmem()) / 1024 ** 2, 0),
      idleSandboxesFit,
    },
  };
  log(`crowd: echo p95 ${result.echo.p95} ms, verdict p95 ${result.verdict.p95} ms, dashboard p95 ${result.dashboard.p95} ms, ${idleSandboxesFit} idle sandboxes fit`);
  return result;
}
