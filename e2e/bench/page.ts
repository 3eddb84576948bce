/**
 * Measurements taken inside the page, through the app's test hook (`window.slipwayTest`), so
 * that Playwright's own latency is not part of them: keystrokes go in as typing does, and
 * output is seen from xterm's write callback (parsed into the terminal's buffer).
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { TERMINAL_OPEN_MARK } from '../../web/src/lib/xterm-loader';

/** The hook as web/src/test-hook.d.ts declares it (e2e/support declares only screenText). */
interface Hook {
  screenText(): string;
  sendInput(text: string): void;
  onOutput(listener: (bytes: Uint8Array) => void): () => void;
}
type HookWindow = { slipwayTest?: Hook };

export const VIEWPORT = { width: 1400, height: 900 };

/** Milliseconds after `goto` started at which each step of opening the page was seen. */
export interface OpenSteps {
  /** The page's load event (HTML, script, styles, fonts). */
  loaded?: number;
  /** The server's first message on the WebSocket. */
  welcome?: number;
  /** `sandbox ready`: the learner has a running sandbox. */
  ready?: number;
  /** `terminal attached`: the shell's exec exists and its replay follows. */
  attached?: number;
  /** The first terminal bytes. */
  firstOutput?: number;
  /** The prompt is on the screen. */
  prompt: number;
}

/** The page's own clock (Navigation Timing, ms from the navigation's start), so no Playwright hop is in it. */
export interface PageTimes {
  /** The HTML has arrived. */
  htmlMs: number;
  /**
   * DOMContentLoaded handled: the app's module scripts ran (they are deferred), so the app is
   * mounted, drawn once and answers input; the terminal waits only for its sandbox.
   */
  interactiveMs: number;
  /** The first text or image painted. */
  firstContentfulPaintMs: number | undefined;
  /** The first terminal open (xterm's code arrives after the page's own script). */
  terminalOpenMs: number | undefined;
  /** What came over the wire until then, HTML, scripts and styles, compressed as sent. */
  transferredKB: number;
}

/**
 * Opens the app in a new browser context and times `goto` until the prompt shows; the steps
 * on the way are seen from the WebSocket's frames (through Playwright, so a little late).
 */
export async function openTimed(browser: Browser, url: string): Promise<{ ms: number; steps: OpenSteps; page: Page; context: BrowserContext; times: PageTimes }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  // tsx (esbuild, keepNames) wraps named functions in __name(), which the page lacks.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = await context.newPage();
  const start = performance.now();
  const steps: Partial<OpenSteps> = {};
  const at = (step: keyof OpenSteps) => (steps[step] ??= Math.round(performance.now() - start));
  page.once('load', () => at('loaded'));
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return void at('firstOutput');
      if (payload.includes('"welcome"')) at('welcome');
      else if (payload.includes('"ready"')) at('ready');
      else if (payload.includes('"attached"')) at('attached');
    }),
  );
  await page.goto(url);
  await page.waitForFunction(
    () => /root@node1/.test((window as unknown as HookWindow).slipwayTest?.screenText() ?? ''),
    null,
    { polling: 'raf', timeout: 120_000 },
  );
  const ms = performance.now() - start;
  return { ms, steps: { ...steps, prompt: Math.round(ms) }, context, page, times: await pageTimes(page) };
}

function pageTimes(page: Page): Promise<PageTimes> {
  return page.evaluate((terminalMark) => {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const terminal = performance.getEntriesByName(terminalMark)[0];
    const interactiveMs = navigation!.domContentLoadedEventEnd;
    const early = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => entry.responseEnd <= interactiveMs);
    const round = (value: number) => Math.round(value * 10) / 10;
    return {
      htmlMs: round(navigation!.responseEnd),
      interactiveMs: round(interactiveMs),
      firstContentfulPaintMs: paint ? round(paint.startTime) : undefined,
      terminalOpenMs: terminal ? round(terminal.startTime) : undefined,
      transferredKB: round(early.reduce((sum, entry) => sum + entry.transferSize, navigation!.transferSize) / 1024),
    };
  }, TERMINAL_OPEN_MARK);
}

/** Which renderer xterm uses in this browser (WebGL draws into a canvas). */
export function renderer(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector('.xterm canvas') ? 'webgl' : 'dom'));
}

/**
 * Types `count` letters at the prompt, each after the previous one's echo; the line is
 * cleared with Ctrl-U every 40 letters. Per keystroke: ms until the echo was parsed (write
 * callback) and until the next animation frame after it (when it is painted).
 */
export function echo(page: Page, count: number): Promise<{ parsed: number[]; painted: number[] }> {
  return page.evaluate(async (count) => {
    const hook = (window as unknown as HookWindow).slipwayTest!;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const frame = () => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
    let waiting: { code: number; resolve: (time: number) => void } | undefined;
    const off = hook.onOutput((bytes) => {
      if (waiting && bytes.includes(waiting.code)) {
        const { resolve } = waiting;
        waiting = undefined;
        resolve(performance.now());
      }
    });
    const parsed: number[] = [];
    const painted: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        if (i % 40 === 0) {
          hook.sendInput('\x15');
          await sleep(100);
        }
        const letter = String.fromCharCode(97 + (i % 26));
        const echoed = new Promise<number>((resolve, reject) => {
          waiting = { code: letter.charCodeAt(0), resolve };
          setTimeout(() => reject(new Error(`no echo of keystroke ${i} within 5 s`)), 5000);
        });
        const start = performance.now();
        hook.sendInput(letter);
        const seen = await echoed;
        parsed.push(seen - start);
        painted.push((await frame()) - start);
      }
    } finally {
      off();
      hook.sendInput('\x15');
    }
    return { parsed, painted };
  }, count);
}

export interface Flood {
  ms: number;
  bytes: number;
}

/**
 * Types `command` (which must end by printing `marker`), then times from Enter until the
 * marker is parsed, counting the output bytes on the way.
 */
export function timeCommand(page: Page, command: string, marker: string, timeoutMs = 300_000): Promise<Flood> {
  return page.evaluate(
    async ({ command, marker, timeoutMs }) => {
      const hook = (window as unknown as HookWindow).slipwayTest!;
      const latin1 = new TextDecoder('latin1');
      let tail = '';
      let bytes = 0;
      let want = '';
      let found: (() => void) | undefined;
      const off = hook.onOutput((chunk) => {
        bytes += chunk.byteLength;
        const text = tail + latin1.decode(chunk);
        tail = text.slice(-256);
        if (found && text.includes(want)) found();
      });
      const seen = (text: string) =>
        new Promise<void>((resolve, reject) => {
          want = text;
          tail = '';
          found = () => {
            found = undefined;
            resolve();
          };
          setTimeout(() => reject(new Error(`"${text}" did not show within ${timeoutMs} ms`)), timeoutMs);
        });
      try {
        const typed = seen(command.slice(-12));
        hook.sendInput(command);
        await typed;
        bytes = 0;
        const done = seen(marker);
        const start = performance.now();
        hook.sendInput('\r');
        await done;
        return { ms: performance.now() - start, bytes };
      } finally {
        off();
      }
    },
    { command, marker, timeoutMs },
  );
}

/**
 * Starts `yes`, lets it flood for `floodMs`, sends Ctrl-C, and times until a fresh prompt
 * is parsed (the output, escape sequences removed, ends in `root@node1:…# `).
 */
export function interrupt(page: Page, floodMs: number): Promise<{ ms: number; floodBytes: number; drainedBytes: number }> {
  return page.evaluate(async (floodMs) => {
    const hook = (window as unknown as HookWindow).slipwayTest!;
    const latin1 = new TextDecoder('latin1');
    const prompt = /root@node1:[^\r\n]*# $/;
    let tail = '';
    let bytes = 0;
    let found: (() => void) | undefined;
    const off = hook.onOutput((chunk) => {
      bytes += chunk.byteLength;
      tail = (tail + latin1.decode(chunk)).slice(-512);
      // CSI sequences (colours) and OSC sequences (shell integration marks the prompt) go.
      const text = tail.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '');
      if (found && prompt.test(text)) found();
    });
    try {
      hook.sendInput('yes\r');
      await new Promise((resolve) => setTimeout(resolve, floodMs));
      const floodBytes = bytes;
      bytes = 0;
      const back = new Promise<void>((resolve, reject) => {
        found = resolve;
        setTimeout(() => reject(new Error('no prompt within 30 s of Ctrl-C')), 30_000);
      });
      const start = performance.now();
      hook.sendInput('\x03');
      await back;
      return { ms: performance.now() - start, floodBytes, drainedBytes: bytes };
    } finally {
      off();
    }
  }, floodMs);
}

/** Runs `command` and waits until its output ends with a prompt again (for set-up, not timed). */
export async function settle(page: Page, command: string): Promise<void> {
  await timeCommand(page, `${command}; echo SETTLED_$((20+22))`, 'SETTLED_42', 60_000);
  await page.waitForTimeout(200);
}
