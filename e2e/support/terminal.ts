/**
 * Terminal helpers for browser tests: type into the page's terminal and poll its screen
 * (through the app's test hook) for an expected state, never sleeping a fixed time.
 */
import { expect, type Page } from '@playwright/test';

declare global {
  interface Window {
    /** The app's test hook (web/src/test-hook.d.ts); without a node, the tab shown. */
    slipwayTest?: {
      screenText(node?: string): string;
      sendInput(text: string, node?: string): void;
      onOutput(listener: (bytes: Uint8Array) => void, node?: string): () => void;
    };
  }
}

export async function screenText(page: Page): Promise<string> {
  return page.evaluate(() => window.slipwayTest?.screenText() ?? '');
}

export async function waitForScreen(page: Page, pattern: RegExp | string, timeout = 60_000): Promise<string> {
  const matches = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
  await expect.poll(async () => matches(await screenText(page)), { timeout, message: `screen shows ${pattern}` }).toBe(true);
  return screenText(page);
}

export const PROMPT = /root@node1:[^\n]*[#$] ?$/m;

export async function openSandbox(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await waitForScreen(page, PROMPT);
}

/**
 * After a reset: the new shell's first prompt alone on a cleared screen. Until then keystrokes
 * could reach a shell still reading its startup files, or the old screen may still show.
 */
export async function waitForFreshShell(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  const fresh = (text: string) => text.split('\n').filter((line) => line.trim() !== '').length === 1 && PROMPT.test(text);
  await expect.poll(async () => fresh(await screenText(page)), { timeout: 60_000, message: 'a fresh prompt' }).toBe(true);
}

/** Types a command into the terminal and waits for `until` (or the next prompt) to show. */
export async function run(page: Page, command: string, until?: RegExp | string, timeout?: number): Promise<string> {
  const id = Math.random().toString(36).slice(2, 8);
  await page.getByTestId('terminal').click();
  // The shell prints `done_<id>_42`, which the typed line does not contain: seeing it
  // proves the command finished, whatever the command itself prints.
  await page.keyboard.type(`${command}; echo done_${id}_$((6*7))\n`);
  await waitForScreen(page, `done_${id}_42`, timeout);
  return until ? waitForScreen(page, until, timeout) : screenText(page);
}
