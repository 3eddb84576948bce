/**
 * A sandbox's life: reset on demand, "full" at the limit, expiry after idleness, the end of
 * the session lifetime, a closed page's session reclaimed near the limit, adoption by a
 * restarted server, and a fork bomb that harms nobody else.
 */
import { test, expect, type Browser } from '@playwright/test';
import { startSlipway, type RunningSlipway } from './support/server';
import { openSandbox, run, screenText, waitForFreshShell } from './support/terminal';
import { loadConfig } from '../server/config';
import { connectEngine } from '../server/engine/connect';
import { E2E_INSTANCE, removeInstance } from './support/global-setup';

const servers: RunningSlipway[] = [];
const ownInstances = new Set<string>();
async function slipway(env: Record<string, string> = {}, port?: number): Promise<RunningSlipway> {
  if (env.SLIPWAY_INSTANCE) ownInstances.add(env.SLIPWAY_INSTANCE);
  const server = await startSlipway(env, port);
  servers.push(server);
  return server;
}

test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  if (ownInstances.size === 0) return;
  const config = loadConfig();
  const { docker } = await connectEngine(config.engine);
  for (const instance of ownInstances) await removeInstance(docker, instance);
  ownInstances.clear();
});

const newPage = async (browser: Browser) => (await browser.newContext()).newPage();

test('reset sandbox gives a fresh engine', async ({ browser }) => {
  const server = await slipway();
  const page = await newPage(browser);
  await openSandbox(page, server.url);
  await run(page, 'docker run -d --name before-reset busybox sleep 600', undefined, 90_000);
  await page.getByTestId('reset-sandbox').click();
  await page.getByTestId('reset-sandbox-confirm').click();
  await waitForFreshShell(page);
  await run(page, 'clear; echo "containers=$(docker ps -aq | wc -l)"', /containers=\d+/, 90_000);
  expect(await screenText(page)).toContain('containers=0');
});

test('at the limit, a new learner is told Slipway is full', async ({ browser }) => {
  const server = await slipway({ SLIPWAY_MAX_SANDBOXES: '1', SLIPWAY_POOL_SIZE: '0', SLIPWAY_INSTANCE: `${E2E_INSTANCE}-full` });
  const first = await newPage(browser);
  await openSandbox(first, server.url);
  const second = await newPage(browser);
  await second.goto(server.url);
  await expect(second.getByTestId('status')).toHaveAttribute('data-state', 'full');
  await expect(second.getByTestId('overlay-message')).toContainText('Slipway is full');
  await expect(second.getByTestId('overlay-action')).toBeVisible();
  // The first learner is unaffected.
  await run(first, 'echo "fine=$((1+1))"', 'fine=2');
});

test('an idle sandbox expires, and the learner can start a new one', async ({ browser }) => {
  const server = await slipway({ SLIPWAY_IDLE_TIMEOUT: '2s', SLIPWAY_POOL_SIZE: '0' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await openSandbox(page, server.url);
  await page.close();
  // Nobody watches now; the reaper removes the sandbox within a few seconds.
  await expect
    .poll(async () => (await (await fetch(`${server.url}/api/health`)).json()).sandboxes.sessions, { timeout: 30_000 })
    .toBe(0);
  const again = await context.newPage();
  await again.goto(server.url);
  await expect(again.getByTestId('status')).toHaveAttribute('data-state', 'expired');
  await again.getByTestId('overlay-action').click();
  await expect(again.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
});

test('a session is warned before its lifetime ends, then ends with a screen saying why', async ({ browser }) => {
  // Warned 20 s before the end (half of a lifetime shorter than ten minutes).
  const server = await slipway({ SLIPWAY_MAX_SESSION_LIFETIME: '40s', SLIPWAY_POOL_SIZE: '0' });
  const page = await newPage(browser);
  await openSandbox(page, server.url);
  const warning = page.getByTestId('notice').and(page.locator('[data-code="SESSION_LIFETIME_ENDED"]'));
  await expect(warning).toContainText('Your sandbox will be removed', { timeout: 60_000 });
  await expect(warning).toContainText('progress is kept');
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'expired', { timeout: 60_000 });
  await expect(page.getByTestId('status')).toHaveAttribute('data-reason', 'SESSION_LIFETIME_ENDED');
  await expect(page.getByTestId('overlay-message')).toContainText('reached its time limit');
  await page.getByTestId('overlay-action').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
});

test('near the limit, a closed page’s session is reclaimed; reopened, it gets a new sandbox and is told why', async ({ browser }) => {
  // Two sandboxes at most: two learners are at the limit, where closed pages go after 2 s.
  const server = await slipway({
    SLIPWAY_MAX_SANDBOXES: '2',
    SLIPWAY_POOL_SIZE: '0',
    SLIPWAY_RECLAIM_GRACE: '2s',
    SLIPWAY_INSTANCE: `${E2E_INSTANCE}-reclaim`,
  });
  const away = await browser.newContext();
  const first = await away.newPage();
  await openSandbox(first, server.url);
  await run(first, 'touch /root/left-behind');
  await first.close();
  const neighbour = await newPage(browser);
  await openSandbox(neighbour, server.url);
  const sessions = async () => (await (await fetch(`${server.url}/api/health`)).json()).sandboxes.sessions as number;
  await expect.poll(sessions, { timeout: 30_000 }).toBe(1);
  expect(server.output()).toMatch(/reclaiming, near the maximum/);

  const back = await away.newPage();
  await openSandbox(back, server.url);
  await expect(back.getByTestId('notice').and(back.locator('[data-code="SANDBOX_RECLAIMED"]'))).toContainText('because Slipway was full');
  await run(back, 'clear; test -e /root/left-behind || echo "fresh=$((40+2))"', 'fresh=42');
  await run(neighbour, 'echo "still=$((40+3))"', 'still=43');
});

test('a restarted server adopts the sandbox, and its containers are still there', async ({ browser }) => {
  const first = await slipway();
  const page = await newPage(browser);
  await openSandbox(page, first.url);
  await run(page, 'docker run -d --name survivor busybox sleep 600', undefined, 90_000);
  await first.stop();
  const second = await slipway({}, first.port);
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await run(page, 'clear; docker ps --format "alive:{{.Names}}"', 'alive:survivor');
  expect(second.output()).toMatch(/adopted [1-9]\d* learner session/);
});

test('a learner adds a node, uses it, finds it again after a restart, and removes it; the session maximum holds', async ({ browser }) => {
  const first = await slipway({ SLIPWAY_MAX_NODES: '2', SLIPWAY_POOL_SIZE: '0' });
  const page = await newPage(browser);
  await openSandbox(page, first.url);
  const tab = (node: string) => page.getByTestId('node-tab').and(page.locator(`[data-node="${node}"]`));
  await page.getByTestId('node-add').click();
  await expect(tab('node2')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await tab('node2').click();
  await run(page, 'clear; ping -c 1 -W 2 node1 >/dev/null && echo "reached=$(hostname)"', 'reached=node2', 90_000);
  // Two is this server's maximum.
  await expect(page.getByTestId('node-add')).toHaveAttribute('aria-disabled', 'true');

  await first.stop();
  const second = await slipway({ SLIPWAY_MAX_NODES: '2', SLIPWAY_POOL_SIZE: '0' }, first.port);
  await page.reload();
  await expect(tab('node2')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // Other tests' learners may be adopted too: the tab above proves this one's node2 was.
  expect(second.output()).toMatch(/adopted [1-9]\d* learner session\(s\) with [2-9]\d* node\(s\)/);

  // Every learner's nodes count, other tests' adopted ones too: removing node2 takes one away.
  const nodesNow = async () => (await (await fetch(`${second.url}/api/health`)).json()).sandboxes.nodes as number;
  const before = await nodesNow();
  await page.getByTestId('node-remove').and(page.locator('[data-node="node2"]')).click();
  await page.getByTestId('node-remove-confirm').click();
  await expect(page.getByTestId('node-tab')).toHaveCount(1, { timeout: 60_000 });
  await expect.poll(nodesNow, { timeout: 30_000 }).toBe(before - 1);
  await run(page, 'clear; echo "node1=$(hostname)"', 'node1=node1');
});

test("a fork bomb stops at the sandbox's process limit and harms no one else", async ({ browser }) => {
  const server = await slipway({ SLIPWAY_SANDBOX_PIDS: '256' });
  const bomber = await newPage(browser);
  const neighbour = await newPage(browser);
  await openSandbox(bomber, server.url);
  await openSandbox(neighbour, server.url);
  await bomber.getByTestId('terminal').click();
  // A classic bash fork bomb, bounded in time so it ends by itself.
  await bomber.keyboard.type("timeout 10 bash -c 'f(){ f | f & }; f' 2>/dev/null; echo bomb-over-$((2*21))\n");
  await run(neighbour, 'echo "neighbour=$((40+2))"', 'neighbour=42');
  expect((await (await fetch(`${server.url}/api/health`)).json()).ok).toBe(true);
  await expect.poll(() => screenText(bomber), { timeout: 90_000 }).toContain('bomb-over-42');

  // The bomb's orphans keep forking inside the limit; resetting the sandbox ends them.
  await bomber.getByTestId('reset-sandbox').click();
  await bomber.getByTestId('reset-sandbox-confirm').click();
  await waitForFreshShell(bomber);
  await run(bomber, 'clear; echo "procs=$(ps -e --no-headers | wc -l)"', /procs=\d+/);
  const procs = Number(/procs=(\d+)/.exec(await screenText(bomber))![1]);
  expect(procs).toBeLessThan(50);
});
