/**
 * Puts Run and Copy buttons on the run and copy blocks of a step's HTML, which the lesson
 * parser leaves in place as `<pre class="slipway-block" data-block="N" data-kind="run">`.
 * A run block runs on its own node; while it cannot, a note beside its button says why.
 * Their words follow the page's language: `t` comes again with each update.
 */
import type { Action } from 'svelte/action';
import type { Messages } from '../../lib/i18n/catalog';
import type { Lesson } from '../../lib/lessons.svelte';
import { runLabel, type RunState } from '../../lib/nodes';
import { FIRST_NODE } from '../../lib/protocol';

type Block = Lesson['steps'][number]['blocks'][number];

export interface BlockButtonsOptions {
  blocks: readonly Block[];
  /** Whether each node the blocks run on can run a command now, by node name. */
  runStates: Readonly<Record<string, RunState>>;
  onrun: (code: string, node: string) => void;
  t: Messages;
}

const COPIED_MS = 1500;

export const blockButtons: Action<HTMLElement, BlockButtonsOptions> = (node, initial) => {
  let options = initial;
  const runButtons: { button: HTMLButtonElement; note: HTMLElement; block: Block }[] = [];
  const copyButtons: { button: HTMLButtonElement; copied: boolean }[] = [];

  for (const pre of node.querySelectorAll<HTMLElement>('pre.slipway-block')) {
    const block = options.blocks[Number(pre.dataset.block)];
    if (!block) continue;
    const bar = document.createElement('div');
    bar.className = 'block-actions';
    if (pre.dataset.kind === 'run') {
      const note = document.createElement('span');
      note.className = 'block-note';
      note.dataset.testid = 'run-block-note';
      const run = button('run-block', () => options.onrun(block.code.trimEnd(), block.node));
      run.dataset.node = block.node;
      runButtons.push({ button: run, note, block });
      bar.append(note, run);
    }
    const copy = {
      copied: false,
      button: button('copy-block', () => {
        void navigator.clipboard?.writeText(block.code.trimEnd()).then(() => {
          copy.copied = true;
          show();
          setTimeout(() => {
            copy.copied = false;
            show();
          }, COPIED_MS);
        });
      }),
    };
    copyButtons.push(copy);
    bar.append(copy.button);
    pre.after(bar);
  }

  function show(): void {
    const { runStates, t } = options;
    for (const { button, note, block } of runButtons) {
      const state = runStates[block.node] ?? { runnable: false };
      const command = block.code.trim();
      button.textContent = runLabel(block.node, t);
      button.setAttribute('aria-label', block.node === FIRST_NODE ? t.run.label(command) : t.run.labelOn(command, block.node));
      button.disabled = !state.runnable;
      note.textContent = state.runnable ? '' : (state.why ?? '');
    }
    for (const { button, copied } of copyButtons) button.textContent = copied ? t.run.copied : t.run.copy;
  }

  show();
  return {
    update(next) {
      options = next;
      show();
    },
  };
};

function button(testId: string, onclick: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.dataset.testid = testId;
  element.addEventListener('click', onclick);
  return element;
}
