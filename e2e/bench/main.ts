/**
 * `npm run bench`: measures Slipway end to end in real Chromium against real sandboxes and
 * prints one JSON object on stdout (progress goes to stderr). See docs/BENCHMARKS.md.
 *
 * A missed target is reported, not failed; the process exits non-zero only when something
 * could not be measured.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { chromium, type Browser, type Page } from '@playwright/test';
import { loadConfig } from '../../server/config';
import { connectEngine } from '../../server/engine/connect';
import { LABELS } from '../../server/sandbox/spec';
import { execInSandbox } from '../../server/session/sandbox-exec';
import { ensureWebBuild } from '../../server/setup/web-build';
import { removeInstance } from '../support/global-setup';
import { startSlipway, type RunningSlipway } from '../support/server';
import { waitForSandboxes } from './clients';
import { detachedShellCost } from './detached-shells';
import { execEcho, execPrompt, execThroughput, headlessParse } from './diagnose';
import { startSession, type SessionStart } from './nodes';
import { echo, interrupt, openTimed, renderer, settle, timeCommand, type OpenSteps, type PageTimes } from './page';
import { commandToPanel } from './panels';
import { SOAK, SOAK_EXTRA_SANDBOXES, soak } from './soak';
import { CROWD, CROWD_POOL, CROWD_TARGETS, crowd, crowdMaxSandboxes } from './workshop';
import { percentile, round, summarize } from './stats';
import { chromiumPids, cpuSeconds, machine, rssMiB, serverPid } from './system';

const INSTANCE = 'bench';
/** Page opens per kind; fewer (even 0, skipping them) only to iterate on the other figures. */
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 10);
const KEYSTROKES = 1000;
const INTERRUPTS = 5;
const FLOOD_BYTES = 50_000_000;
const MB = 1_000_000;
/** Sections to run (`BENCH_ONLY=verdict,explorer`); all when unset. */
const SECTIONS = ['startup', 'nodes', 'terminal', 'verdict', 'explorer', 'containers', 'crowd', 'detached', 'soak'] as const;
const ONLY = new Set((process.env.BENCH_ONLY ?? SECTIONS.join(',')).split(',').map((name) => name.trim()));
const wants = (section: (typeof SECTIONS)[number]) => ONLY.has(section);
const unknown = [...ONLY].filter((name) => !(SECTIONS as readonly string[]).includes(name));
if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
const VERDICT_RUNS = Number(process.env.BENCH_VERDICT_RUNS ?? 10);
const EXPLORER_RUNS = Number(process.env.BENCH_EXPLORER_RUNS ?? 10);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 200);
const SESSION_NODES = 3;
const SESSION_RUNS = Number(process.env.BENCH_SESSION_RUNS ?? 5);
const NESTED_RUNS = 10;
/** The soak's server keeps a warm pool, as a workshop's would. */
const SOAK_POOL = 2;
const FIRST_LESSON = 'images-and-containers';

/** Issue 12's aims; throughput is a share of what the engine's exec stream alone gives in the same run. */
const TARGETS = {
  coldP50Ms: 800,
  warmP50Ms: 300,
  pageInteractiveP50Ms: 150,
  threeNodeWarmP50Ms: 400,
  echoP50Ms: 5,
  echoP99Ms: 20,
  throughputShareOfExec: 0.9,
  interruptP50Ms: 150,
  verdictP50Ms: 300,
  explorerP50Ms: 300,
};
/** The crowd's server: the trainer's token, and room for its participants arriving from one address. */
const CROWD_TOKEN = 'bench-trainer-token-0123456789abcdef';

const log = (line: string) => console.error(`[bench] ${line}`);

async function main(): Promise<void> {
  const root = process.cwd();
  ensureWebBuild(root, log);
  const config = loadConfig();
  const { docker } = await connectEngine(config.engine);
  await removeInstance(docker, INSTANCE);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let server: RunningSlipway | undefined;
  const serve = async (poolSize: number, maxSandboxes = 40, env: Record<string, string> = {}) => {
    await server?.stop();
    await removeInstance(docker, INSTANCE);
    server = await startSlipway({ SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_POOL_SIZE: String(poolSize), SLIPWAY_MAX_SANDBOXES: String(maxSandboxes), ...env });
    return server;
  };
  try {
    const machineAtStart = machine();
    const starts = wants('startup') && START_RUNS > 0;
    const cold = starts ? await startTimes(browser, docker, await serve(0), 0) : undefined;
    const warm = starts ? await startTimes(browser, docker, await serve(2), 2) : undefined;
    const sessions = wants('nodes')
      ? { cold: await sessionTimes(docker, await serve(0), 0), warm: await sessionTimes(docker, await serve(2), 2) }
      : undefined;
    const terminal = wants('terminal') ? await terminalFigures(browser, docker, await serve(0)) : undefined;
    const panels = wants('verdict') || wants('explorer') || wants('containers') ? await panelFigures(browser, docker, await serve(0)) : undefined;
    const detachedShells = wants('detached') ? await detachedShellCost() : undefined;
    const crowded = wants('crowd') ? await crowdFigures(browser, docker, await serve(CROWD_POOL, crowdMaxSandboxes(CROWD.learners), { SLIPWAY_TRAINER_TOKEN: CROWD_TOKEN, SLIPWAY_JOINS_PER_MINUTE: '100000' })) : undefined;
    const soaked = wants('soak') ? await soakFigures(await serve(SOAK_POOL, SOAK.learners + SOAK_EXTRA_SANDBOXES + SOAK_POOL)) : undefined;
    const result = {
      machine: { ...machineAtStart, loadAverageAtEnd: machine().loadAverage, browser: browser.version() },
      startup: { cold, warm },
      threeNodeSession: sessions,
      ...terminal,
      ...panels,
      detachedShells,
      crowd: crowded,
      soak: soaked,
      targets: {
        coldP50: { targetMs: TARGETS.coldP50Ms, met: cold !== undefined && cold.ms.p50 <= TARGETS.coldP50Ms },
        warmP50: { targetMs: TARGETS.warmP50Ms, met: warm !== undefined && warm.ms.p50 <= TARGETS.warmP50Ms },
        // Taken in the warm runs: the page loads with no sandbox being made beside it.
        pageInteractiveP50: target(TARGETS.pageInteractiveP50Ms, warm?.page.interactiveMs.p50),
        echoP50: { targetMs: TARGETS.echoP50Ms, met: terminal !== undefined && terminal.echo.parsedMs.p50 <= TARGETS.echoP50Ms },
        echoP99: { targetMs: TARGETS.echoP99Ms, met: terminal !== undefined && terminal.echo.parsedMs.p99 <= TARGETS.echoP99Ms },
        threeNodeWarmP50: target(TARGETS.threeNodeWarmP50Ms, sessions?.warm.ms.p50),
        throughput: throughputTarget(terminal),
        interruptP50: target(TARGETS.interruptP50Ms, terminal?.interrupt.ms.p50),
        verdictP50: target(TARGETS.verdictP50Ms, panels?.verdict?.fromPromptMs.p50),
        explorerP50: target(TARGETS.explorerP50Ms, panels?.explorer?.fromPromptMs.p50),
        crowd: crowdTargets(crowded),
        soakErrors: { expected: 0, errors: soaked?.errors.total, met: soaked?.errors.total === 0 },
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await server?.stop();
    await browser.close();
    await removeInstance(docker, INSTANCE);
  }
}

/** The soak against a server with room for its learners, its hostile clients and its pool. */
async function soakFigures(slipway: RunningSlipway) {
  const pid = serverPid();
  if (pid === undefined) throw new Error('could not find the server process');
  return soak(slipway.url, slipway.port, pid, log);
}

/** The crowd of workshop participants, with a trainer watching (e2e/bench/workshop.ts). */
async function crowdFigures(browser: Browser, docker: Docker, slipway: RunningSlipway) {
  const pid = serverPid();
  if (pid === undefined) throw new Error('could not find the server process');
  const sandboxes = async () => (await learnerContainers(docker)).map((info) => info.Id);
  return crowd({ url: slipway.url, token: CROWD_TOKEN, pid, docker, browser, sandboxes, log });
}

function crowdTargets(crowded: Awaited<ReturnType<typeof crowd>> | undefined) {
  const at = (value: number | undefined, limit: number) => ({ value, limit, met: value !== undefined && value <= limit });
  return {
    echoP95Ms: at(crowded?.echo.p95, CROWD_TARGETS.echoP95Ms),
    verdictP95Ms: at(crowded?.verdict.p95, CROWD_TARGETS.verdictP95Ms),
    dashboardP95Ms: at(crowded?.dashboard.p95, CROWD_TARGETS.dashboardP95Ms),
    idleSandboxes: { value: crowded?.idle.idleSandboxesFit, limit: CROWD_TARGETS.idleSandboxes, met: (crowded?.idle.idleSandboxesFit ?? 0) >= CROWD_TARGETS.idleSandboxes },
  };
}

/** 50 MB folded into the page against the engine's exec stream alone, measured in the same run. */
function throughputTarget(terminal: Awaited<ReturnType<typeof terminalFigures>> | undefined) {
  if (!terminal) return { share: undefined, targetShare: TARGETS.throughputShareOfExec, met: false };
  const share = round(terminal.throughput.fold.MBps / terminal.diagnostics.execFoldMBps, 2);
  return { pageMBps: terminal.throughput.fold.MBps, execMBps: terminal.diagnostics.execFoldMBps, share, targetShare: TARGETS.throughputShareOfExec, met: share >= TARGETS.throughputShareOfExec };
}

/** A latency aim with the measured p50 (absent when its section did not run). */
function target(targetMs: number, p50Ms: number | undefined) {
  return { targetMs, p50Ms, met: p50Ms !== undefined && p50Ms <= targetMs };
}

/** Page open to live prompt, START_RUNS times, each learner in a new context and removed after. */
async function startTimes(browser: Browser, docker: Docker, slipway: RunningSlipway, poolSize: number) {
  const kind = poolSize > 0 ? 'warm' : 'cold';
  const times: number[] = [];
  const steps: OpenSteps[] = [];
  const pages: PageTimes[] = [];
  for (let run = 0; run < START_RUNS; run++) {
    if (poolSize > 0) await waitForPool(slipway.url, 1);
    const opened = await openTimed(browser, slipway.url);
    times.push(opened.ms);
    steps.push(opened.steps);
    pages.push(opened.times);
    log(`${kind} start ${run + 1}/${START_RUNS}: ${JSON.stringify({ ...opened.steps, interactive: opened.times.interactiveMs })}`);
    await opened.context.close();
    await removeLearners(docker);
  }
  const names = ['loaded', 'welcome', 'ready', 'attached', 'firstOutput', 'prompt'] as const;
  const stepsP50 = Object.fromEntries(
    names.map((name) => [name, percentile(steps.map((one) => one[name] ?? Number.NaN).filter(Number.isFinite), 50)]),
  );
  const page = {
    interactiveMs: summarize(pages.map((one) => one.interactiveMs)),
    firstContentfulPaintMs: summarize(pages.flatMap((one) => one.firstContentfulPaintMs ?? [])),
    terminalOpenMs: summarize(pages.flatMap((one) => one.terminalOpenMs ?? [])),
    htmlMs: summarize(pages.map((one) => one.htmlMs)),
    transferredKB: pages[0]?.transferredKB,
    how: "the page's own Navigation Timing: DOMContentLoaded handled (the deferred app script ran and mounted the app)",
  };
  return { ms: summarize(times, 0), stepsP50Ms: stepsP50, page };
}

/**
 * A 3-node session, SESSION_RUNS times per kind (cold: every node started; warm: node1 from the
 * pool), each for a new learner; after the last run, each node's memory once it settled.
 */
async function sessionTimes(docker: Docker, slipway: RunningSlipway, poolSize: number) {
  const kind = poolSize > 0 ? 'warm' : 'cold';
  const runs: SessionStart[] = [];
  let memoryPerNode: Record<string, Awaited<ReturnType<typeof sandboxMemory>>> | undefined;
  for (let run = 0; run < SESSION_RUNS; run++) {
    if (poolSize > 0) await waitForPool(slipway.url, 1);
    const session = await startSession(slipway.url, SESSION_NODES);
    const { close, ...figures } = session;
    runs.push(figures);
    log(`${kind} ${SESSION_NODES}-node session ${run + 1}/${SESSION_RUNS}: ${JSON.stringify(figures)}`);
    if (run === SESSION_RUNS - 1) {
      log('letting the nodes settle for 10 s');
      await sleep(10_000);
      const containers = await learnerContainers(docker);
      memoryPerNode = Object.fromEntries(
        await Promise.all(containers.map(async (info) => [info.Labels[LABELS.node] ?? info.Id, await sandboxMemory(docker.getContainer(info.Id))] as const)),
      );
    }
    close();
    await removeLearners(docker);
  }
  return {
    nodes: SESSION_NODES,
    ms: summarize(runs.map((run) => run.ms), 0),
    node1ReadyMs: summarize(runs.map((run) => run.readyMs), 0),
    memoryPerNode,
  };
}

async function terminalFigures(browser: Browser, docker: Docker, slipway: RunningSlipway) {
  const { context, page } = await openTimed(browser, slipway.url);
  const container = docker.getContainer((await learnerContainers(docker))[0]!.Id);
  const pid = serverPid();
  if (pid === undefined) throw new Error('could not find the server process');

  log('letting the sandbox settle for 10 s');
  await sleep(10_000);
  const idleSandbox = await sandboxMemory(container);
  const serverIdleRssMiB = rssMiB(pid);

  log(`echo: ${KEYSTROKES} keystrokes`);
  await settle(page, 'clear');
  const typed = await echo(page, KEYSTROKES);
  log(`echo parsed p50 ${summarize(typed.parsed).p50} ms`);

  log('throughput: 50 MB folded into 100-column lines');
  const fold = await flood(page, `head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' y | fold -w 100`);
  log(`fold: ${fold.MBps} MB/s`);
  await settle(page, 'clear');
  const serverAfterFloodRssMiB = rssMiB(pid);
  log('throughput: 50 MB as one unbroken line');
  const line = await flood(page, `head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' y`);
  log(`one line: ${line.MBps} MB/s`);
  await settle(page, 'clear');

  log(`Ctrl-C during yes, ${INTERRUPTS} times`);
  const interrupts = [];
  for (let i = 0; i < INTERRUPTS; i++) {
    interrupts.push(await interrupt(page, 1000));
    await settle(page, 'clear');
  }

  log('diagnostics: exec stream and headless parse without the browser');
  const shellStarts = [];
  for (let i = 0; i < 5; i++) shellStarts.push(await execPrompt(container));
  const execTyped = await execEcho(container, 200);
  const execFold = await execThroughput(container, `head -c ${FLOOD_BYTES} /dev/zero | tr '\\0' y | fold -w 100`);
  const parseFold = await headlessParse(`${'y'.repeat(100)}\r\n`, FLOOD_BYTES);
  const parseLine = await headlessParse('y'.repeat(100), FLOOD_BYTES);
  const xtermRenderer = await renderer(page);
  const nested = await nestedRuns(container);
  await context.close();

  const mbps = (figure: { ms: number; bytes: number }) => round(figure.bytes / MB / (figure.ms / 1000), 1);
  return {
    memory: {
      idleSandbox,
      serverRssMiB: { idle: serverIdleRssMiB, afterThroughput: serverAfterFloodRssMiB, atEnd: rssMiB(pid) },
    },
    echo: {
      keystrokes: typed.parsed.length,
      parsedMs: summarize(typed.parsed, 2),
      paintedMs: summarize(typed.painted, 2),
    },
    throughput: { renderer: xtermRenderer, fold, oneLine: line },
    interrupt: {
      ms: summarize(interrupts.map((one) => one.ms)),
      runs: interrupts.map((one) => ({ ms: round(one.ms), floodMB: round(one.floodBytes / MB, 2), drainedKB: round(one.drainedBytes / 1000) })),
    },
    nestedRun: nested,
    diagnostics: {
      execShellStartMs: summarize(shellStarts, 0),
      execEchoMs: summarize(execTyped, 2),
      execFoldMBps: mbps(execFold),
      headlessParseMBps: { fold: mbps(parseFold), oneLine: mbps(parseLine) },
    },
  };
}

/**
 * A nested `docker run --rm busybox true` inside the sandbox, outside the terminal: the first
 * pulls busybox from the catalog, the others start from the local image. The figure the user
 * namespace and the cgroup subtree could slow down (docs/BENCHMARKS.md compares).
 */
async function nestedRuns(container: Docker.Container) {
  const timed = async (script: string) => {
    const started = performance.now();
    const { exitCode, output } = await execInSandbox(container, script, 120_000);
    if (exitCode !== 0) throw new Error(`nested run failed (${exitCode}): ${output}`);
    return performance.now() - started;
  };
  await timed('docker rmi -f busybox >/dev/null 2>&1; true');
  const firstWithPullMs = round(await timed('docker run --rm busybox true >/dev/null 2>&1'));
  const warm: number[] = [];
  for (let i = 0; i < NESTED_RUNS; i++) warm.push(await timed('docker run --rm busybox true'));
  log(`nested docker run: first (with pull) ${firstWithPullMs} ms, warm p50 ${summarize(warm).p50} ms`);
  return { firstWithPullMs, warmMs: summarize(warm, 0) };
}

/** The lesson and explorer panels, in one learner's page (the 200 containers last: they fill the sandbox). */
async function panelFigures(browser: Browser, docker: Docker, slipway: RunningSlipway) {
  const { context, page } = await openTimed(browser, slipway.url);
  const container = docker.getContainer((await learnerContainers(docker))[0]!.Id);
  try {
    const verdict = wants('verdict') ? await verdictLatency(page) : undefined;
    const explorer = wants('explorer') ? await explorerLatency(page) : undefined;
    const containers = wants('containers') ? await explorerContainers(page, container) : undefined;
    return { verdict, explorer, containers };
  } finally {
    await context.close();
  }
}

/** A step's command check: the command's prompt until its check shows passed; the lesson reset between runs. */
async function verdictLatency(page: Page) {
  log(`verdict: lesson ${FIRST_LESSON}, step version, ${VERDICT_RUNS} runs`);
  await page.getByTestId('lesson-item').and(page.locator(`[data-lesson-id="${FIRST_LESSON}"]`)).click();
  const runs = [];
  for (let run = 0; run < VERDICT_RUNS; run++) {
    await page.getByTestId('reset-lesson').click();
    await page.locator('[data-testid=step][data-step-id=version]').waitFor();
    // The server's fresh judgement after the reset (not the page's placeholder).
    await page.locator('[data-testid=check][data-state=failed]').waitFor({ timeout: 30_000 });
    runs.push(await commandToPanel(page, 'docker version >/dev/null', '[data-testid=check][data-passed=true]'));
    log(`verdict ${run + 1}/${VERDICT_RUNS}: ${JSON.stringify(runs.at(-1))}`);
  }
  await page.getByTestId('lesson-back').click();
  return { fromPromptMs: summarize(runs.map((one) => one.fromPromptMs)), commandMs: summarize(runs.map((one) => one.commandMs)) };
}

/** `docker network create` until its row is in the explorer panel. */
async function explorerLatency(page: Page) {
  log(`explorer: ${EXPLORER_RUNS} networks`);
  const runs = [];
  for (let run = 0; run < EXPLORER_RUNS; run++) {
    const name = `benchnet-${run}`;
    runs.push(await commandToPanel(page, `docker network create ${name} >/dev/null`, `[data-testid=explorer-network][data-name="${name}"]`));
    log(`explorer ${run + 1}/${EXPLORER_RUNS}: ${JSON.stringify(runs.at(-1))}`);
    await sleep(500);
  }
  return { fromPromptMs: summarize(runs.map((one) => one.fromPromptMs)), commandMs: summarize(runs.map((one) => one.commandMs)) };
}

/**
 * CONTAINERS containers created (not started: `docker create`, so the sandbox holds no processes
 * for them) in one sandbox, 4 at a time: until the panel lists them all, and what that cost.
 */
async function explorerContainers(page: Page, container: Docker.Container) {
  log(`containers: ${CONTAINERS} containers`);
  await settle(page, 'docker pull -q busybox >/dev/null');
  const pid = serverPid()!;
  const browserPids = chromiumPids();
  const before = { rss: rssMiB(pid), server: cpuSeconds([pid]), browser: cpuSeconds(browserPids), sandbox: await sandboxMemory(container) };
  const create = `seq 1 ${CONTAINERS} | xargs -P 4 -I{} docker create --name c{} busybox >/dev/null`;
  const timing = await commandToPanel(page, create, '[data-testid=explorer-container]', CONTAINERS, 600_000);
  const listed = { rss: rssMiB(pid), server: cpuSeconds([pid]), browser: cpuSeconds(browserPids) };
  log(`containers: ${JSON.stringify(timing)}; settling 10 s`);
  await sleep(10_000);
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => round(((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 1024 ** 2, 1);
  const jsHeapMiB = await heap();
  await cdp.send('HeapProfiler.collectGarbage');
  const jsHeapAfterGcMiB = await heap();
  await cdp.detach();
  const seconds = (from: number, to: number) => round(to - from, 2);
  return {
    containers: CONTAINERS,
    mode: 'docker create (not started), 4 in parallel',
    createSeconds: round(timing.commandMs / 1000, 1),
    panelAfterLastCreateMs: round(timing.fromPromptMs),
    serverRssMiB: { before: before.rss, listed: listed.rss, settled: rssMiB(pid) },
    cpuSeconds: {
      serverUntilListed: seconds(before.server, listed.server),
      serverSettling10s: seconds(listed.server, cpuSeconds([pid])),
      browserUntilListed: seconds(before.browser, listed.browser),
    },
    browserJsHeapMiB: { settled: jsHeapMiB, afterGc: jsHeapAfterGcMiB },
    sandboxMemory: { before: before.sandbox, settled: await sandboxMemory(container) },
  };
}

/** Times a 50 MB command into the page and where the CPU went meanwhile. */
async function flood(page: Page, command: string) {
  const pid = serverPid()!;
  const browserPids = chromiumPids();
  const before = { server: cpuSeconds([pid]), browser: cpuSeconds(browserPids) };
  const result = await timeCommand(page, `${command}; echo BENCH_$((40+2))_END`, 'BENCH_42_END');
  const seconds = result.ms / 1000;
  return {
    seconds: round(seconds, 2),
    bytes: result.bytes,
    MBps: round(result.bytes / MB / seconds, 1),
    cpuSecondsPerWallSecond: {
      server: round((cpuSeconds([pid]) - before.server) / seconds, 2),
      browser: round((cpuSeconds(browserPids) - before.browser) / seconds, 2),
    },
  };
}

async function sandboxMemory(container: Docker.Container) {
  const stats = (await container.stats({ stream: false })) as unknown as {
    memory_stats: { usage: number; stats: Record<string, number> };
  };
  const { usage, stats: detail } = stats.memory_stats;
  const mib = (bytes: number) => round(bytes / 1024 ** 2, 1);
  const cache = detail.inactive_file ?? detail.total_inactive_file ?? detail.cache ?? 0;
  return { usageMinusCacheMiB: mib(usage - cache), usageMiB: mib(usage), anonMiB: mib(detail.anon ?? detail.rss ?? 0), fileMiB: mib(detail.file ?? detail.cache ?? 0) };
}

const waitForPool = (url: string, pooled: number) => waitForSandboxes(url, 'pooled', pooled, 180_000);

function learnerContainers(docker: Docker) {
  return docker
    .listContainers({ all: true, filters: { label: [`${LABELS.instance}=${INSTANCE}`] } })
    .then((list) => list.filter((info) => info.Names.some((name) => name.startsWith('/slipway-l-'))));
}

/** Removes the learners' sandboxes (and their networks) so that runs never reach the maximum. */
async function removeLearners(docker: Docker): Promise<void> {
  for (const info of await learnerContainers(docker)) {
    await docker.getContainer(info.Id).remove({ force: true, v: true }).catch(() => undefined);
    const network = info.Labels[LABELS.network];
    if (!network) continue;
    const handle = docker.getNetwork(network);
    const details = (await handle.inspect().catch(() => null)) as { Containers?: Record<string, unknown> } | null;
    for (const id of Object.keys(details?.Containers ?? {})) await handle.disconnect({ Container: id, Force: true }).catch(() => undefined);
    await handle.remove().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    log(`could not measure: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
