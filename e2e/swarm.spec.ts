/**
 * A three-node swarm lesson from start to end in the browser, as a learner does it: the
 * lesson starts node2 and node3 (one terminal tab each), every run block is clicked and runs
 * in its node's tab, each step's checks turn green, the explorer shows the service's tasks
 * spread over the nodes, and the published port answers where this machine's kernel allows:
 * on every node with IPVS (the routing mesh), only on the nodes running a task without it.
 */
import type { Page } from '@playwright/test';
import { loadConfig } from '../server/config';
import { detectMachineFeatures } from '../server/engine/kernel-features';
import { test, expect } from './support/fixtures';
import { openSandbox } from './support/terminal';

const LESSON = 'swarm-publishing';
const NODES = ['node1', 'node2', 'node3'];
const PUBLISHED_PORT = 9200;

test.setTimeout(10 * 60_000);

/**
 * Clicks a run block and waits until its node's shell printed a prompt again for each line
 * typed: a block on node2 (joining the swarm) must not start before node1's (creating it) ended.
 */
async function runBlock(page: Page, index: number): Promise<void> {
  const block = page.getByTestId('step').getByTestId('run-block').nth(index);
  const node = (await block.getAttribute('data-node')) ?? 'node1';
  // The button's label is "Run <code>[ on <node>]"; bash prints a prompt after each line.
  const lines = ((await block.getAttribute('aria-label')) ?? '').split('\n').length;
  await page.evaluate(
    ({ node, lines }) => {
      const decoder = new TextDecoder();
      let text = '';
      (window as unknown as { promptsSeen: Promise<void> }).promptsSeen = new Promise((resolve) => {
        const stop = window.slipwayTest!.onOutput((bytes) => {
          text += decoder.decode(bytes, { stream: true });
          // The prompt is coloured: `root@node2` is followed by an escape sequence, not `:`.
          if ((text.match(new RegExp(`root@${node}\\b`, 'g'))?.length ?? 0) < lines) return;
          stop();
          resolve();
        }, node);
      });
    },
    { node, lines },
  );
  await block.click();
  await expect(page.getByTestId('node-tab').and(page.locator(`[data-node="${node}"]`))).toHaveAttribute('aria-selected', 'true');
  await page.evaluate(
    ({ node, code }) =>
      Promise.race([
        (window as unknown as { promptsSeen: Promise<void> }).promptsSeen,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no prompt on ${node} within 180 s after: ${code}`)), 180_000)),
      ]),
    { node, code: await block.getAttribute('aria-label') },
  );
}

/**
 * Runs every run block of the current step in order; a "your turn" step's solution is typed
 * instead, and a quiz answered with its right choice. Its checks must all turn green.
 */
async function completeStep(page: Page): Promise<void> {
  const step = page.getByTestId('step');
  const blocks = await step.getByTestId('run-block').count();
  for (let index = 0; index < blocks; index++) await runBlock(page, index);
  for (const quiz of await step.getByTestId('quiz').all()) await quiz.locator('[data-testid="quiz-choice"][data-correct="true"]').click();
  if ((await step.getAttribute('data-task')) === 'true') await typeSolution(page);
  await expect(step).toHaveAttribute('data-complete', 'true', { timeout: 90_000 });
  await expect(page.getByTestId('check').and(page.locator('[data-passed=false]'))).toHaveCount(0);
}

/** Reveals the step's solution and types each block into its node's terminal, as a learner would. */
async function typeSolution(page: Page): Promise<void> {
  await page.getByTestId('show-solution').click();
  for (const block of await page.getByTestId('solution').locator('pre').all()) {
    const node = (await block.getAttribute('data-node')) ?? 'node1';
    await page.getByTestId('node-tab').and(page.locator(`[data-node="${node}"]`)).click();
    const terminal = page.locator('[data-testid="terminal"]:visible');
    await terminal.click();
    await page.keyboard.type(`${await block.innerText()}\n`);
  }
}

test('a three-node swarm lesson, start to end: tabs, green checks, tasks over nodes, a published port', async ({ slipway, newLearner }) => {
  const { features } = await detectMachineFeatures(loadConfig().ipvs);
  const page = await (await newLearner()).newPage();
  await openSandbox(page, slipway.url);
  await page.getByTestId('lesson-item').and(page.locator(`[data-lesson-id="${LESSON}"]`)).click();

  // The lesson starts the nodes it needs, one tab each.
  const tabs = page.getByTestId('node-tab');
  await expect(tabs).toHaveCount(NODES.length, { timeout: 30_000 });
  for (const node of NODES) {
    await expect(tabs.and(page.locator(`[data-node="${node}"]`))).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  }

  const step = page.getByTestId('step');
  const next = page.getByTestId('step-next');
  const stepIds: string[] = [];
  for (;;) {
    const id = (await step.getAttribute('data-step-id'))!;
    stepIds.push(id);
    await completeStep(page);

    if (id === 'publish') {
      // The explorer shows the service's two tasks, each on its own node.
      const service = page.getByTestId('explorer-service').and(page.locator('[data-name="search"]'));
      await expect(service).toHaveAttribute('data-running', '2', { timeout: 60_000 });
      const taskNodes = await service.getByTestId('explorer-task').evaluateAll((chips) => chips.map((chip) => chip.getAttribute('data-node')));
      expect(new Set(taskNodes).size).toBe(2);

      // The published port, through Slipway's preview, on each node.
      for (const node of NODES) {
        const response = await page.request.get(`${slipway.url}/preview/${node}/${PUBLISHED_PORT}/`);
        const answers = response.status() === 200 && (await response.text()).includes('Welcome to nginx');
        const expected = features.ipvs || taskNodes.includes(node);
        expect(answers, `${node} (${taskNodes.includes(node) ? 'runs a task' : 'runs no task'}, IPVS ${features.ipvs ? 'on' : 'off'})`).toBe(expected);
      }
    }
    if (!(await next.isEnabled())) break;
    await next.click();
  }
  expect(stepIds).toContain('publish');
  await expect(page.getByTestId('lesson-progress')).toHaveAttribute('value', String(stepIds.length));
});

test('a swarm lesson opened on nodes still in a swarm asks before resetting them, then works', async ({ slipway, newLearner }) => {
  const page = await (await newLearner()).newPage();
  await openSandbox(page, slipway.url);
  await page.getByTestId('lesson-item').and(page.locator('[data-lesson-id="swarm-cluster"]')).click();
  const tabs = page.getByTestId('node-tab');
  for (const node of NODES) {
    await expect(tabs.and(page.locator(`[data-node="${node}"]`))).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  }
  // What the swarm lesson leaves behind: node1 manages a swarm.
  await completeStep(page);
  await page.getByTestId('lesson-back').click();

  await page.getByTestId('lesson-item').and(page.locator('[data-lesson-id="swarm-services"]')).click();
  await expect(page.getByTestId('lesson-start')).toContainText('node1: leave its swarm', { timeout: 60_000 });
  await page.getByTestId('lesson-start-confirm').click();
  await expect(page.getByTestId('lesson-start')).toHaveCount(0, { timeout: 60_000 });
  // The first step forms the swarm again from nodes in none.
  await expect(page.getByTestId('step')).toHaveAttribute('data-step-id', 'swarm');
  await completeStep(page);
});
