/**
 * Slipway in Chinese, end to end: a browser whose language is Chinese gets every screen it
 * opens in Chinese on its first visit (the lesson catalog, a lesson, a failing check's reason
 * from the server, the explorer and what a command changed, a port preview's own page), with
 * no English left in the UI; the learner's switch to English holds for all of them.
 */
import { expect, test } from './support/fixtures';
import { openSandbox, run } from './support/terminal';
import { CJK, expectNoEnglish, uiTexts } from './support/ui-language';

const FIRST = 'images-and-containers';

test('a Chinese browser gets the catalog, a lesson, a failing reason and the explorer in Chinese', async ({ slipway, browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
  await openSandbox(page, slipway.url);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  // The first screen: the catalog, every lesson in Chinese.
  const first = page.getByTestId('lesson-item').and(page.locator(`[data-lesson-id="${FIRST}"]`));
  await expect(first).toContainText('镜像、容器');
  await expect(page.getByTestId('lesson-item').filter({ hasNotText: CJK })).toHaveCount(0);
  await expectNoEnglish(page, 'the first screen');
  await page.screenshot({ path: test.info().outputPath('catalog.png') });

  // A lesson: its steps and check titles come from the translation.
  await first.click();
  const step = page.getByTestId('step');
  await expect(step).toHaveAttribute('data-step-id', 'version');
  await expect(step).toContainText('与引擎对话');
  for (let index = 0; index < 4; index++) await page.getByTestId('step-next').click();
  await expect(step).toHaveAttribute('data-step-id', 'list-containers');

  // A failing check: the server words its reason in Chinese, naming the command as typed.
  // Typed as is: the shell integration records exactly this command line.
  await page.getByTestId('terminal').click();
  await page.keyboard.type('docker ps\n');
  const reason = page.getByTestId('check-reason');
  await expect(reason).toContainText('docker ps', { timeout: 30_000 });
  await expect(reason).toContainText(CJK);
  await expect(page.getByTestId('check')).toHaveAttribute('data-passed', 'false');
  await expectNoEnglish(page, 'a lesson with a failing check');
  await page.screenshot({ path: test.info().outputPath('lesson.png') });

  // The explorer, and the line that says what the command changed.
  await run(page, 'docker run -d --name web nginx', undefined, 90_000);
  await expect(page.getByTestId('explorer').locator('[data-testid="explorer-container"][data-name="web"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('command-diff')).toContainText(CJK);
  await expectNoEnglish(page, 'the explorer');
  await page.screenshot({ path: test.info().outputPath('explorer.png') });

  // A page the server writes itself, a port preview's, follows the browser's language too.
  const preview = await context.newPage();
  await preview.goto(`${slipway.url}/preview/node1/8081/`);
  await expect(preview.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(preview.locator('body')).toContainText('你的沙箱里还没有程序监听端口 8081');

  // The switch: English at once, and kept after a reload.
  await page.locator('[data-testid="locale"][data-locale="en"]').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // The scan above sees the UI's words: in English it finds them.
  await expect.poll(async () => (await uiTexts(page)).includes('Reset sandbox')).toBe(true);
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // The choice, not the browser's language, now words the preview's page.
  await preview.reload();
  await expect(preview.locator('body')).toContainText('Nothing is listening on port 8081 in your sandbox yet');
  await run(page, 'docker rm -f web');
  expect(consoleErrors).toEqual([]);
  await context.close();
});
