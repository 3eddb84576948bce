/**
 * `npm start`, `npm test`, `npm run bench`, `npm run engine:stop`: everything after the npm
 * packages (bootstrap.sh) — Debian packages, the container engine, images, the web build —
 * with progress, then the command itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { loadConfig, type Config } from '../config';
import { pings } from '../engine/connect';
import { SYSTEM_SOCKET } from '../engine/discover';
import { privateEnginePaths, stopPrivateEngine } from '../engine/private-engine';
import { prepareEngineAndImages, type Prepared } from '../main';
import { installWithApt, missing, REQUIREMENTS, hasCommand, type Requirement } from './system';
import { ensureWebBuild } from './web-build';

const root = path.resolve(import.meta.dirname, '../..');
const say = (line: string) => console.log(`\x1b[1;34m[slipway]\x1b[0m ${line}`);
const step = (index: number, total: number, title: string) => say(`\x1b[1m[${index}/${total}] ${title}\x1b[0m`);

async function installSystemPackages(config: Config, forTests: boolean): Promise<void> {
  const wanted: Requirement[] = [];
  const engineGiven = Boolean(config.dockerHost) || (await pings(new Docker({ socketPath: SYSTEM_SOCKET })));
  if (!engineGiven) wanted.push(REQUIREMENTS.engine, REQUIREMENTS.iptables, REQUIREMENTS.kmod, REQUIREMENTS.btrfs);
  // debootstrap only matters where apt exists; elsewhere images come from a registry.
  if (hasCommand('apt-get')) wanted.push(REQUIREMENTS.debootstrap);
  if (forTests) wanted.push(REQUIREMENTS.chromium, REQUIREMENTS.cjkFont);
  const absent = missing(wanted);
  if (absent.length === 0) say('Debian packages: all present');
  else installWithApt(absent, say);
}

async function prepare(config: Config, forTests: boolean) {
  process.chdir(root);
  step(1, 4, 'System packages');
  await installSystemPackages(config, forTests);
  step(2, 4, 'Container engine and images');
  const prepared = await prepareEngineAndImages(config, say);
  step(3, 4, 'Web app');
  ensureWebBuild(root, say);
  step(4, 4, 'Ready');
  return prepared;
}

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs one stage of the test suite; a stage that fails counts as one failure if it reports nothing. */
function runStage(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  say(`\x1b[1m▶ ${title}\x1b[0m`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function readVitestTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests };
}

function readPlaywrightTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped };
}

/** The engine as a DOCKER_HOST value, for the tests that talk to it directly. */
function engineUrl(prepared: Prepared): string {
  const { endpoint } = prepared.engine;
  return endpoint.kind === 'docker-host' ? endpoint.host : `unix://${endpoint.socketPath}`;
}

async function test(config: Config): Promise<number> {
  const prepared = await prepare(config, true);
  // Not Playwright's test-results/, which it empties when it starts.
  const reports = path.join(root, 'test-reports');
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const vitestReport = path.join(reports, 'vitest.json');
  const playwrightReport = path.join(reports, 'playwright.json');

  const stages = [
    runStage('Type checks', 'npm', ['run', '--silent', 'typecheck']),
    runStage('Lesson files (npm run lessons:check)', 'npm', ['run', '--silent', 'lessons:check']),
    runStage(
      'Unit and integration tests (vitest)',
      'node_modules/.bin/vitest',
      ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
      { SLIPWAY_TEST_DOCKER_HOST: engineUrl(prepared) },
    ),
    runStage('End-to-end tests (Playwright, Chromium)', 'node_modules/.bin/playwright', ['test', '--reporter=list,json'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
    }),
  ];
  const tallies = [readVitestTally(vitestReport), readPlaywrightTally(playwrightReport)];
  const failedStages = stages.filter((ok) => !ok).length;
  const passed = tallies.reduce((sum, t) => sum + t.passed, 0);
  const failed = tallies.reduce((sum, t) => sum + t.failed, 0);
  const skipped = tallies.reduce((sum, t) => sum + t.skipped, 0);
  // The closing line CI reads: every test of every runner, in one count.
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failedStages === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const config = loadConfig();
  const command = process.argv[2];
  switch (command) {
    case 'start': {
      const prepared = await prepare(config, false);
      const { startServer } = await import('../main');
      await startServer(config, prepared, say);
      return -1;
    }
    case 'test':
      return test(config);
    case 'bench': {
      await prepare(config, true);
      return runStage('Benchmarks', 'node_modules/.bin/tsx', ['e2e/bench/main.ts']) ? 0 : 1;
    }
    case 'engine-start': {
      // For developers and helper scripts: the engine and images, ready, and where to reach them.
      const prepared = await prepare(config, false);
      say(`Engine ready: DOCKER_HOST=${engineUrl(prepared)}`);
      return 0;
    }
    case 'engine-stop': {
      const stopped = await stopPrivateEngine(privateEnginePaths(config.stateDir));
      say(stopped ? "Stopped Slipway's private engine." : "Slipway's private engine was not running.");
      return 0;
    }
    default:
      console.error(`unknown command: ${command ?? '(none)'}; expected start, test, bench, engine-start or engine-stop`);
      return 2;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: Error) => {
    console.error(`\x1b[1;31m[slipway]\x1b[0m ${error.message}`);
    process.exit(1);
  },
);
