/**
 * The explorer, end to end: what the learner's commands create appears in the panel within
 * a second of the command finishing, published ports open through Slipway's preview proxy
 * for their owner only, and removals show in the panel and the diff line.
 */
import { expect, test } from './support/fixtures';
import { openSandbox, run } from './support/terminal';

/** The panel must show a command's result this soon after the command finished. */
const PANEL_LATENCY_MS = 1000;

test('the explorer shows what commands create and remove, and previews published ports for their owner only', async ({ slipway, newLearner }) => {
  const context = await newLearner();
  const page = await context.newPage();
  await openSandbox(page, slipway.url);
  const explorer = page.getByTestId('explorer');
  await expect(explorer.getByTestId('explorer-network').first()).toBeVisible();

  await run(page, 'docker network create app && docker run -d --name web --network app -p 8080:80 nginx', undefined, 90_000);
  // `run` returns once the command's own output has shown: the command has finished.
  const finished = Date.now();
  const web = explorer.locator('[data-testid="explorer-container"][data-name="web"]');
  await expect(explorer.locator('[data-testid="explorer-network"][data-name="app"]')).toBeVisible({ timeout: PANEL_LATENCY_MS });
  await expect(web).toBeVisible({ timeout: PANEL_LATENCY_MS - (Date.now() - finished) });
  test.info().annotations.push({ type: 'panel latency', description: `${Date.now() - finished} ms after the command finished` });
  await expect(web).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('command-diff')).toContainText('+ network app');
  await expect(page.getByTestId('command-diff')).toContainText('+ container web (nginx)');

  // The port opens in a new tab, through the preview proxy.
  const link = web.getByTestId('port-link');
  await expect(link).toHaveAttribute('data-port', '8080');
  const href = (await link.getAttribute('href'))!;
  expect(href).toBe('/preview/node1/8080/');
  const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await expect(tab.locator('h1')).toHaveText('Welcome to nginx!');
  await tab.close();

  // Another learner (their own cookie) and nobody (no cookie) get the catalog's 404.
  // (Preview paths are the requesting learner's own: had this learner a sandbox, the same
  // path would reach *their* node1, never this one.)
  const other = await newLearner();
  const cookie = await other.request.get(slipway.url);
  expect(cookie.headers()['set-cookie']).toContain('slipway_learner=');
  const theirs = await other.request.get(`${slipway.url}${href}`);
  expect(theirs.status()).toBe(404);
  expect(await theirs.json()).toEqual({ error: 'NOT_FOUND', message: 'Not found.' });
  const anonymous = await fetch(`${slipway.url}${href}`);
  expect(anonymous.status).toBe(404);
  await other.close();

  // A port nothing listens on answers at once with a page that says so.
  const nothing = await context.request.get(`${slipway.url}/preview/node1/8081/`, { headers: { accept: 'text/html' } });
  expect(nothing.status()).toBe(502);
  expect(await nothing.text()).toContain('Nothing is listening on port 8081 in your sandbox yet');

  await run(page, 'docker rm -f web');
  const removed = Date.now();
  await expect(web).toHaveCount(0, { timeout: PANEL_LATENCY_MS });
  test.info().annotations.push({ type: 'removal latency', description: `${Date.now() - removed} ms after the command finished` });
  await expect(page.getByTestId('command-diff')).toContainText('- container web', { timeout: PANEL_LATENCY_MS });
});
