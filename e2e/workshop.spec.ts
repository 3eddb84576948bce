/**
 * Workshops end to end: a trainer creates one; three learners join, by link and by code, each
 * in a browser context of their own; the trainer's dashboard follows a completed step, sees a
 * learner's terminal and explorer (read-only), the help queue, a consented take-over, a broadcast, the export, and the
 * learner's terminal, the help queue, a consented take-over, a broadcast, one participant's
 * sandbox extended (their row's end moves, their page is told), the export, and the
 * same state after a restart. A page opened by the join link gets one of the sessions started
 * ahead for the workshop, as walled in as any sandbox (seen from the host). A learner's cookie gets FORBIDDEN on every trainer route and on
 * the trainer's socket; a participant of one workshop sees nothing of another; a Chinese trainer
 * and participant get the workshop pages in Chinese.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { loadConfig } from '../server/config';
import { connectEngine } from '../server/engine/connect';
import { LABELS } from '../server/sandbox/spec';
import { execInSandbox } from '../server/session/sandbox-exec';
import { E2E_INSTANCE, removeInstance } from './support/global-setup';
import { startSlipway, type RunningSlipway } from './support/server';
import { PROMPT, screenText, waitForScreen } from './support/terminal';
import { expectNoEnglish } from './support/ui-language';

declare global {
  interface Window {
    /** The trainer page's test hook (web/src/test-hook.d.ts). */
    slipwayTrainerTest?: { watchedText(): string };
  }
}

const INSTANCE = `${E2E_INSTANCE}-workshop`;
const TOKEN = 'e2e-trainer-token-0123456789abcdef';
const ENV = { SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_TRAINER_TOKEN: TOKEN, SLIPWAY_POOL_SIZE: '3' };
const FIRST = 'images-and-containers';
const SECOND = 'running-containers';

let slipway: RunningSlipway;
const contexts: BrowserContext[] = [];

/** The instance's sandboxes and workshops, from an earlier run or this one. */
async function removeOwnInstance(): Promise<void> {
  const { docker } = await connectEngine(loadConfig().engine);
  await removeInstance(docker, INSTANCE);
}

test.beforeAll(async () => {
  await removeOwnInstance();
  slipway = await startSlipway(ENV);
});

test.afterAll(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await slipway?.stop();
  await removeOwnInstance();
});

async function newContext(browser: Browser, locale = 'en-US'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale });
  contexts.push(context);
  return context;
}

/** The trainer, logged in by the link Slipway printed. */
async function openTrainer(browser: Browser, locale?: string): Promise<Page> {
  const page = await (await newContext(browser, locale)).newPage();
  await page.goto(`${slipway.url}/trainer?token=${TOKEN}`);
  await expect(page).toHaveURL(`${slipway.url}/trainer`);
  await expect(page.getByTestId('trainer')).toHaveAttribute('data-status', 'open');
  return page;
}

/** Creates a workshop of `lessons`; returns its join code as shown. */
async function createWorkshop(trainer: Page, name: string, lessons: string[]): Promise<string> {
  const form = trainer.getByTestId('workshop-form');
  if (!(await form.isVisible())) await trainer.getByTestId('new-workshop').click();
  await form.getByTestId('workshop-name-input').fill(name);
  for (const lesson of lessons) await form.locator(`[data-lesson="${lesson}"]`).check();
  await form.getByTestId('workshop-create').click();
  await expect(trainer.getByTestId('dashboard').getByRole('heading', { name })).toBeVisible();
  return (await trainer.getByTestId('join-code-shown').textContent())!.trim();
}

async function joinByCode(browser: Browser, code: string, name: string): Promise<Page> {
  const page = await (await newContext(browser)).newPage();
  await page.goto(slipway.url);
  await page.getByTestId('join-open').click();
  await page.getByTestId('join-code').fill(code.toLowerCase().replace('-', ' '));
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await joined(page, name);
  return page;
}

async function joinByLink(browser: Browser, code: string, name: string, locale?: string): Promise<Page> {
  const page = await (await newContext(browser, locale)).newPage();
  await page.goto(`${slipway.url}/join/${code}`);
  await expect(page.getByTestId('join-code')).toHaveValue(code);
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('join-submit').click();
  await joined(page, name);
  return page;
}

/** Joined: told the trainer sees their terminal, in the workshop's first lesson, with a shell. */
async function joined(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId('participant-name')).toHaveText(name);
  await expect(page.getByTestId('trainer-sees-terminal')).toBeVisible();
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson-id', FIRST);
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await waitForScreen(page, PROMPT);
}

const row = (trainer: Page, name: string) => trainer.getByTestId('participant-row').and(trainer.locator(`[data-name="${name}"]`));

async function type(page: Page, text: string): Promise<void> {
  await page.getByTestId('terminal').click();
  await page.keyboard.type(text);
}

// First in the file: the later tests' workshops reserve sessions too, and would hold the room.
test('a page opened by the join link gets a session started ahead for the workshop, walled in like any sandbox', async ({ browser }) => {
  test.setTimeout(300_000);
  const trainer = await openTrainer(browser);
  const code = await createWorkshop(trainer, 'Ready Ahead', [FIRST]);
  const workshopId = (await trainer.getByTestId('dashboard').getAttribute('data-workshop'))!;
  const { docker } = await connectEngine(loadConfig().engine);
  const nodes = async () =>
    (await docker.listContainers({ filters: { label: [`${LABELS.instance}=${INSTANCE}`, `${LABELS.reservation}=${workshopId}`] } })).map((info) => ({ id: info.Id, name: info.Names[0]!.slice(1) }));
  // The workshop starts now: its sessions are started at once, under names of their own.
  await expect.poll(async () => (await nodes()).length, { timeout: 180_000, intervals: [500] }).toBeGreaterThan(0);
  const startedAhead = new Set((await nodes()).map((node) => node.id));
  expect([...(await nodes())].every((node) => node.name.startsWith('slipway-r-'))).toBe(true);

  const page = await (await newContext(browser)).newPage();
  const states: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      const message = typeof payload === 'string' ? (JSON.parse(payload) as { type: string; state?: string }) : null;
      if (message?.type === 'sandbox') states.push(message.state!);
    }),
  );
  await page.goto(`${slipway.url}/join/${code}`);
  // Before joining, the page's sandbox is one of the workshop's, renamed for this learner.
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  const mine = (await nodes()).find((node) => startedAhead.has(node.id) && node.name.startsWith('slipway-l-'));
  expect(mine, 'a session started ahead, handed over').toBeDefined();
  await page.getByTestId('join-name').fill('Eve');
  await page.getByTestId('join-submit').click();
  await joined(page, 'Eve');
  // Joining traded nothing: the page never saw its sandbox reset.
  expect(states).not.toContain('resetting');
  expect((await nodes()).some((node) => node.id === mine!.id)).toBe(true);

  // Made ahead, it is walled in as every sandbox is: root inside, an unprivileged uid on the
  // host, no privileges, and under Slipway's own cgroup.
  const container = docker.getContainer(mine!.id);
  const [id, map] = (await execInSandbox(container, 'id -u; cat /proc/self/uid_map', 30_000)).output.trim().split('\n');
  const outside = Number(map!.trim().split(/\s+/)[1]);
  expect(id).toBe('0');
  expect(outside).toBeGreaterThanOrEqual(65_536);
  const info = await container.inspect();
  expect(info.HostConfig.Privileged).toBe(false);
  expect(Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${info.State.Pid}/status`, 'utf8'))![1])).toBe(outside);
  expect(info.HostConfig.CgroupParent ?? '').toMatch(/^\/?slipway-/);
  // Ended, it releases its participants' sandboxes and stops reserving.
  await trainer.getByTestId('workshop-end').click();
  await expect(trainer.getByTestId('workshop-state')).toHaveAttribute('data-state', 'ended');
  await expect.poll(async () => (await nodes()).length, { timeout: 60_000 }).toBe(0);
});

test('a trainer runs a workshop from the dashboard', async ({ browser }) => {
  test.setTimeout(600_000);
  expect(slipway.output()).toContain(`Trainer dashboard: ${slipway.url}/trainer?token=${TOKEN}`);
  const trainer = await openTrainer(browser);
  const code = await createWorkshop(trainer, 'Onboarding', [FIRST, SECOND]);
  expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await expect(trainer.getByTestId('join-link')).toHaveText(`${slipway.url}/join/${code}`);

  const ada = await joinByCode(browser, code, 'Ada');
  const bob = await joinByLink(browser, code, 'Bob');
  const cy = await joinByCode(browser, code, 'Cy');
  await expect(trainer.getByTestId('participant-row')).toHaveCount(3);

  // Ada completes the first step; her row shows it within a second or so of the check.
  await ada.getByTestId('step').getByTestId('run-block').first().click();
  await expect(ada.getByTestId('step')).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  await expect(row(trainer, 'Ada')).toHaveAttribute('data-completed', '1', { timeout: 2_000 });
  await expect(row(trainer, 'Ada')).toContainText('docker version');
  await expect(trainer.getByTestId('step-column').first()).toHaveAttribute('data-completed', '1');

  // The trainer opens Bob's terminal and sees what Bob types, read-only.
  await row(trainer, 'Bob').click();
  await expect(trainer.getByTestId('participant-panel')).toHaveAttribute('data-name', 'Bob');
  await type(bob, 'echo "watched-$((6*7))"\n');
  await expect.poll(() => trainer.evaluate(() => window.slipwayTrainerTest?.watchedText() ?? ''), { timeout: 10_000 }).toContain('watched-42');
  await expect(trainer.getByTestId('command-history')).toContainText('echo "watched-$((6*7))"');

  // Bob's explorer too, live and read-only: a network he makes shows up, with nothing to click.
  const watchedExplorer = trainer.getByTestId('participant-explorer');
  await expect(watchedExplorer.getByTestId('explorer-network').and(trainer.locator('[data-name="bridge"]'))).toBeVisible({ timeout: 30_000 });
  await type(bob, 'docker network create tnet\n');
  await expect(watchedExplorer.locator('[data-testid="explorer-network"][data-name="tnet"]')).toBeVisible({ timeout: 30_000 });
  await expect(watchedExplorer.getByTestId('command-diff').locator('[data-kind="network"][data-name="tnet"]')).toBeVisible();
  await expect(watchedExplorer.getByRole('button', { name: 'tnet' })).toHaveCount(0);
  // The explorer is Bob's alone: Ada's page and the trainer's view of Ada never show it.
  await expect(ada.getByTestId('explorer-network').and(ada.locator('[data-name="bridge"]'))).toBeVisible();
  await expect(ada.locator('[data-testid="explorer-network"][data-name="tnet"]')).toHaveCount(0);
  await row(trainer, 'Ada').click();
  await expect(trainer.getByTestId('participant-panel')).toHaveAttribute('data-name', 'Ada');
  await expect(watchedExplorer.getByTestId('explorer-network').and(trainer.locator('[data-name="bridge"]'))).toBeVisible({ timeout: 10_000 });
  await expect(watchedExplorer.locator('[data-testid="explorer-network"][data-name="tnet"]')).toHaveCount(0);
  // Watched again, Bob's explorer comes whole.
  await row(trainer, 'Bob').click();
  await expect(trainer.getByTestId('participant-panel')).toHaveAttribute('data-name', 'Bob');
  await expect(watchedExplorer.locator('[data-testid="explorer-network"][data-name="tnet"]')).toBeVisible({ timeout: 10_000 });

  // Cy asks for help: the queue shows her, with her step.
  await cy.getByTestId('ask-help').click();
  await expect(trainer.getByTestId('help-item').and(trainer.locator('[data-participant="Cy"]'))).toContainText('version');

  // A take-over of Bob's shell, with his consent: he sees the banner, the trainer's typing runs.
  await trainer.getByTestId('takeover-request').click();
  await bob.getByTestId('takeover-accept').click();
  await expect(bob.getByTestId('takeover-banner')).toBeVisible();
  await expect(trainer.getByTestId('takeover-active')).toBeVisible();
  await trainer.getByTestId('watched-terminal').click();
  await trainer.keyboard.type('echo "trainer-$((40+2))"\n');
  await waitForScreen(bob, 'trainer-42');
  await bob.getByTestId('takeover-end').click();
  await expect(bob.getByTestId('takeover-banner')).toBeHidden();
  await expect(trainer.getByTestId('takeover-request')).toBeVisible();

  // A broadcast reaches every learner.
  await trainer.getByTestId('broadcast-input').fill('Break until 11:00');
  await trainer.getByTestId('broadcast-send').click();
  for (const page of [ada, bob, cy]) await expect(page.getByTestId('broadcast-banner')).toHaveText('Break until 11:00');

  // The trainer gives Cy's sandbox 15 more minutes: her row's end moves that much later, Bob's
  // does not, the panel stays on Bob (the button is not a click on the row), and Cy is told.
  const endsAt = async (name: string) => Number(await row(trainer, name).getByTestId('row-sandbox').getAttribute('data-ends-at'));
  // A row learns of a sandbox with the next dashboard: at the latest the 15 s refresh.
  await expect.poll(() => endsAt('Cy'), { timeout: 20_000 }).toBeGreaterThan(0);
  const [cyEnd, bobEnd] = [await endsAt('Cy'), await endsAt('Bob')];
  await row(trainer, 'Cy').getByTestId('participant-extend').click();
  await expect.poll(() => endsAt('Cy')).toBe(cyEnd + 15 * 60_000);
  expect(await endsAt('Bob')).toBe(bobEnd);
  await expect(trainer.getByTestId('participant-panel')).toHaveAttribute('data-name', 'Bob');
  await expect(cy.getByTestId('notice').and(cy.locator('[data-code="SESSION_LIFETIME_ENDED"]'))).toContainText('more time');

  // The export holds a row per participant and step; Ada's first step has its time.
  const workshopId = (await trainer.getByTestId('dashboard').getAttribute('data-workshop'))!;
  const csv = await (await trainer.request.get(`${slipway.url}/api/trainer/workshops/${workshopId}/results.csv`)).text();
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('participant,name,lesson,step,title,completed_at,attempts,hints,solutions');
  expect(lines.filter((line) => line.includes(',Ada,'))).not.toHaveLength(0);
  expect(lines.find((line) => line.includes(`,Ada,${FIRST},version,`))).toMatch(/,\d{4}-\d\d-\d\dT[^,]+,/);
  const json = await (await trainer.request.get(`${slipway.url}/api/trainer/workshops/${workshopId}/results.json`)).json();
  expect(json.participants.map((participant: { name: string }) => participant.name)).toEqual(['Ada', 'Bob', 'Cy']);

  // A restart in the middle: the dashboard shows the same rows, progress and hand.
  const before = await trainer.getByTestId('participant-row').evaluateAll((rows) =>
    rows.map((element) => [element.getAttribute('data-name'), element.getAttribute('data-completed'), element.getAttribute('data-step')]),
  );
  await slipway.stop();
  slipway = await startSlipway(ENV, slipway.port);
  await trainer.reload();
  await trainer.getByTestId('workshop-item').and(trainer.locator(`[data-code="${code}"]`)).click();
  await expect
    .poll(() =>
      trainer.getByTestId('participant-row').evaluateAll((rows) =>
        rows.map((element) => [element.getAttribute('data-name'), element.getAttribute('data-completed'), element.getAttribute('data-step')]),
      ),
    )
    .toEqual(before);
  await expect(trainer.getByTestId('help-item').and(trainer.locator('[data-participant="Cy"]'))).toBeVisible();
  // The learners' pages reconnect to the same shells and are in the workshop still.
  await expect(ada.getByTestId('participant-name')).toHaveText('Ada', { timeout: 60_000 });
  await expect(ada.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  expect(await screenText(ada)).toMatch(PROMPT);
});

test('a learner\'s cookie gets FORBIDDEN on every trainer route and on the trainer socket', async ({ browser }) => {
  const learner = await newContext(browser);
  // A page visit hands out the learner cookie (no socket needed).
  await learner.request.get(slipway.url);
  const cookie = (await learner.cookies()).map(({ name, value }) => `${name}=${value}`).join('; ');
  expect(cookie).toContain('slipway_learner=');
  for (const path of ['/trainer', '/trainer?token=wrong', '/api/trainer/workshops/AAAAAAAAAAAA/results.csv', '/api/trainer/workshops/AAAAAAAAAAAA/results.json']) {
    const response = await learner.request.get(`${slipway.url}${path}`, { maxRedirects: 0 });
    expect(response.status(), path).toBe(403);
    expect((await response.json()).error, path).toBe('FORBIDDEN');
  }
  const status = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`${slipway.url.replace('http', 'ws')}/ws/trainer`, { headers: { cookie, origin: slipway.url } });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => resolve(101));
    socket.on('error', () => undefined);
  });
  expect(status).toBe(403);

  // A trainer's message on the learner's own socket is refused as such.
  const page = await learner.newPage();
  await page.goto(slipway.url);
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  const answer = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://${location.host}/ws`);
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data));
          if (message.type === 'error') resolve(message.code);
        };
        socket.onopen = () => socket.send(JSON.stringify({ type: 'workshop-broadcast', workshopId: 'AAAAAAAAAAAA', text: 'hijacked' }));
      }),
  );
  expect(answer).toBe('FORBIDDEN');
});

test('a participant of one workshop sees nothing of another', async ({ browser }) => {
  test.setTimeout(300_000);
  const trainer = await openTrainer(browser);
  const first = await createWorkshop(trainer, 'Team red', [FIRST]);
  const redId = (await trainer.getByTestId('dashboard').getAttribute('data-workshop'))!;
  const second = await createWorkshop(trainer, 'Team blue', [SECOND]);
  const dee = await joinByCode(browser, first, 'Dee');
  await expect(dee.getByTestId('workshop-name')).toHaveText('Team red');
  await expect(dee.getByTestId('workshop-bar')).toHaveAttribute('data-workshop', redId);

  // Blue's dashboard lists nobody from red; red's lists Dee alone.
  await expect(trainer.getByTestId('dashboard').getByRole('heading', { name: 'Team blue' })).toBeVisible();
  await expect(trainer.getByTestId('participant-row')).toHaveCount(0);
  await trainer.getByTestId('workshop-item').and(trainer.locator(`[data-code="${first}"]`)).click();
  await expect(trainer.getByTestId('participant-row')).toHaveCount(1);

  // A broadcast to blue does not reach Dee, and blue's results are the trainer's only.
  await trainer.getByTestId('workshop-item').and(trainer.locator(`[data-code="${second}"]`)).click();
  await trainer.getByTestId('broadcast-input').fill('Blue only');
  await trainer.getByTestId('broadcast-send').click();
  await trainer.getByTestId('workshop-item').and(trainer.locator(`[data-code="${first}"]`)).click();
  await trainer.getByTestId('broadcast-input').fill('Red too');
  await trainer.getByTestId('broadcast-send').click();
  await expect(dee.getByTestId('broadcast-banner')).toHaveText('Red too');
  const response = await dee.request.get(`${slipway.url}/api/trainer/workshops/${redId}/results.json`);
  expect(response.status()).toBe(403);
});

test('a Chinese trainer and participant get the workshop pages in Chinese', async ({ browser }) => {
  const trainer = await openTrainer(browser, 'zh-CN');
  await expect(trainer.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const code = await createWorkshop(trainer, '入职培训', [FIRST]);
  const ada = await joinByLink(browser, code, '小林', 'zh-CN');
  await expect(ada.getByTestId('trainer-sees-terminal')).toContainText(/[\u4e00-\u9fff]/);
  await expectNoEnglish(ada, "a participant's page");
  await expect(row(trainer, '小林')).toBeVisible();
  // The plan's steps carry the translation's titles.
  await expect(trainer.getByTestId('step-column').first()).toContainText('与引擎对话');
  // Other tests' workshops are listed too, by the names their trainers gave them.
  await expectNoEnglish(trainer, "the trainer's dashboard", ['Team red', 'Team blue']);
});
