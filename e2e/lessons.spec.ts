/**
 * Lessons, live: a learner opens a lesson, runs its blocks, and the checks turn green by
 * themselves; a wrong command shows why it fails; progress survives a server restart; a
 * broken lesson is reported with its line by the lesson checker.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { test, expect, type Page } from '@playwright/test';
import { startSlipway, type RunningSlipway } from './support/server';
import { openSandbox } from './support/terminal';

const FIRST = 'images-and-containers';
/** Original lessons (translations are NN-slug.<locale>.md). */
const LESSON_COUNT = readdirSync('lessons').filter((name) => /^\d\d-[a-z0-9-]+\.md$/.test(name)).length;
let slipway: RunningSlipway;

test.beforeAll(async () => {
  slipway = await startSlipway();
});

test.afterAll(async () => {
  await slipway?.stop();
});

async function openLesson(page: Page, id: string): Promise<void> {
  await page.getByTestId('lesson-item').and(page.locator(`[data-lesson-id="${id}"]`)).click();
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson-id', id);
}

async function typeCommand(page: Page, command: string): Promise<void> {
  await page.getByTestId('terminal').click();
  await page.keyboard.type(`${command}\n`);
}

test('a lesson checks itself: run blocks, a wrong command, the right one; progress survives a restart', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await openSandbox(page, slipway.url);
  await expect(page.getByTestId('lesson-item')).toHaveCount(LESSON_COUNT);
  await openLesson(page, FIRST);

  // Step 1: clicking its run block completes it, with nothing else to do.
  const step = page.getByTestId('step');
  await expect(step).toHaveAttribute('data-step-id', 'version');
  await expect(step).toHaveAttribute('data-complete', 'false');
  await step.getByTestId('run-block').first().click();
  await expect(step).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('check')).toHaveAttribute('data-passed', 'true');

  // "List your containers": plain `docker ps` fails with a reason naming it; `docker ps -a` passes.
  for (let index = 0; index < 4; index++) await page.getByTestId('step-next').click();
  await expect(step).toHaveAttribute('data-step-id', 'list-containers');
  await typeCommand(page, 'docker ps');
  const check = page.getByTestId('check');
  await expect(check).toHaveAttribute('data-passed', 'false');
  await expect(page.getByTestId('check-reason')).toContainText('the last one was `docker ps`', { timeout: 30_000 });
  await typeCommand(page, 'docker ps -a');
  await expect(check).toHaveAttribute('data-passed', 'true', { timeout: 30_000 });
  await expect(step).toHaveAttribute('data-complete', 'true');

  // A restart of the server on the same port: the progress is still there.
  await page.goto('about:blank');
  await slipway.stop();
  slipway = await startSlipway({}, slipway.port);
  await page.goto(slipway.url);
  await expect(page.getByTestId('lesson-item').and(page.locator(`[data-lesson-id="${FIRST}"]`))).toContainText('2/7 steps');
  await openLesson(page, FIRST);
  // It opens where the learner left off.
  await expect(page.getByTestId('step')).toHaveAttribute('data-step-id', 'list-containers');
  await expect(page.getByTestId('step')).toHaveAttribute('data-complete', 'true');
  await page.getByTestId('lesson-back').click();

  // Reset lesson forgets it.
  await openLesson(page, FIRST);
  await page.getByTestId('reset-lesson').click();
  await expect(page.getByTestId('step')).toHaveAttribute('data-step-id', 'version');
  await expect(page.getByTestId('step')).toHaveAttribute('data-complete', 'false');
  await context.close();
});

test('a "your turn" step turns green from state the learner made by typing', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await openSandbox(page, slipway.url);
  await openLesson(page, FIRST);
  const step = page.getByTestId('step');
  while ((await step.getAttribute('data-step-id')) !== 'your-turn') await page.getByTestId('step-next').click();
  await expect(step).toHaveAttribute('data-task', 'true');
  await expect(step.getByTestId('run-block')).toHaveCount(0);
  await expect(step).toHaveAttribute('data-complete', 'false');
  await typeCommand(page, 'docker run --name greeting hello-world');
  await expect(step).toHaveAttribute('data-complete', 'true', { timeout: 60_000 });
  await context.close();
});

test('a quiz answer is kept after a reload', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await openSandbox(page, slipway.url);
  await openLesson(page, 'dockerfile-instructions');
  const step = page.getByTestId('step');
  while ((await step.getAttribute('data-step-id')) !== 'quiz') await page.getByTestId('step-next').click();
  const quiz = page.getByTestId('quiz').first();
  await quiz.locator('[data-testid="quiz-choice"][data-correct="false"]').first().click();
  await expect(quiz.getByTestId('quiz-explanation')).toContainText('Not quite');
  await expect(quiz).toHaveAttribute('data-correct', 'false');
  await page.reload();
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson-id', 'dockerfile-instructions');
  await expect(page.getByTestId('step')).toHaveAttribute('data-step-id', 'quiz');
  await expect(page.getByTestId('quiz').first()).toHaveAttribute('data-answered', 'true');
  await page.getByTestId('quiz').first().locator('[data-testid="quiz-choice"][data-correct="true"]').click();
  await expect(page.getByTestId('quiz').first()).toHaveAttribute('data-correct', 'true');
  await context.close();
});

test('the explorer marks the element a failing check is about', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await openSandbox(page, slipway.url);
  await openLesson(page, 'running-containers');
  await expect(page.getByTestId('step')).toHaveAttribute('data-step-id', 'detached');
  // The step wants a container web running nginx: this one runs busybox.
  await typeCommand(page, 'docker run -d --name web busybox sleep 600');
  await expect(page.getByTestId('check')).toHaveAttribute('data-passed', 'false', { timeout: 90_000 });
  const row = page.getByTestId('explorer-container').and(page.locator('[data-name="web"]'));
  await expect(row).toHaveAttribute('data-check-failing', 'true', { timeout: 90_000 });
  await expect(row).toContainText('check: A container named web runs nginx');
  await typeCommand(page, 'docker rm -f web');
  await context.close();
});

test('the lesson API answers unknown lessons with the error catalog', async ({ request }) => {
  const response = await request.get(`${slipway.url}/api/lessons/no-such-lesson`);
  expect(response.status()).toBe(404);
  expect(await response.json()).toMatchObject({ error: 'LESSON_NOT_FOUND' });
  const zh = await (await request.get(`${slipway.url}/api/lessons/${FIRST}?locale=zh`)).json();
  expect(zh.lesson.locale).toBe('zh');
  expect(zh.locales).toEqual(['en', 'zh']);
});

test('a lesson with a broken check fails the lesson checker, naming its line', async () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'slipway-lessons-'));
  try {
    const name = '01-images-and-containers.md';
    cpSync(path.join('lessons', name), path.join(directory, name));
    const source = readFileSync(path.join(directory, name), 'utf8');
    const broken = source.replace('  matches: ^docker (version|--version)', '  matchez: ^docker (version|--version)');
    expect(broken).not.toBe(source);
    writeFileSync(path.join(directory, name), broken);
    const line = broken.split('\n').findIndex((text) => text.includes('matchez')) + 1;
    const failure = await promisify(execFile)('node_modules/.bin/tsx', ['server/lessons/check-cli.ts', directory]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(new RegExp(`${name}:${line}: .*matchez`));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
