/**
 * The lesson and explorer panels, timed inside the page: a command is typed through the test
 * hook, its end is the moment its prompt is parsed, and the panel's update is the DOM mutation
 * that makes `selector` match `count` elements (seen by a MutationObserver, before painting).
 */
import type { Page } from '@playwright/test';

interface Hook {
  sendInput(text: string): void;
  onOutput(listener: (bytes: Uint8Array) => void): () => void;
}
type HookWindow = { slipwayTest?: Hook };

export interface PanelTiming {
  /** Enter until the prompt came back (the command's own duration, through the terminal). */
  commandMs: number;
  /** The prompt until the panel matched: negative when the panel was first. */
  fromPromptMs: number;
}

/** Runs `command` at the prompt and times it and the panel update that it causes. */
export function commandToPanel(page: Page, command: string, selector: string, count = 1, timeoutMs = 30_000): Promise<PanelTiming> {
  return page.evaluate(
    async ({ command, selector, count, timeoutMs }) => {
      const hook = (window as unknown as HookWindow).slipwayTest!;
      const latin1 = new TextDecoder('latin1');
      const prompt = /root@node1:[^\r\n]*# $/;
      // eslint-disable-next-line no-control-regex
      const escapes = /\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b\[[0-9;?]*[a-zA-Z]/g;
      let tail = '';
      let promptAt: number | undefined;
      let panelAt: number | undefined;
      let done: (() => void) | undefined;
      const check = () => {
        if (promptAt !== undefined && panelAt !== undefined) done?.();
      };
      const off = hook.onOutput((chunk) => {
        tail = (tail + latin1.decode(chunk)).slice(-512);
        if (promptAt === undefined && prompt.test(tail.replace(escapes, ''))) {
          promptAt = performance.now();
          check();
        }
      });
      const matches = () => document.querySelectorAll(selector).length >= count;
      const observer = new MutationObserver(() => {
        if (panelAt === undefined && matches()) {
          panelAt = performance.now();
          check();
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      try {
        if (matches()) throw new Error(`${selector} matched before ${command} ran`);
        const finished = new Promise<void>((resolve, reject) => {
          done = resolve;
          setTimeout(() => reject(new Error(`${command}: prompt or ${selector} ×${count} not seen within ${timeoutMs} ms`)), timeoutMs);
        });
        const start = performance.now();
        hook.sendInput(`${command}\r`);
        await finished;
        return { commandMs: promptAt! - start, fromPromptMs: panelAt! - promptAt! };
      } finally {
        off();
        observer.disconnect();
      }
    },
    { command, selector, count, timeoutMs },
  );
}
