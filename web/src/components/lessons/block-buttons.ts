/**
 * Puts Run and Copy buttons on the run and copy blocks of a step's HTML, which the lesson
 * parser leaves in place as `<pre class="slipway-block" data-block="N" data-kind="run">`.
 * A run block runs on its own node; while it cannot, a note beside its button says why.
 */
import type { Action } from 'svelte/action';
import type { Lesson } from '../../lib/lessons.svelte';
import { runLabel, type RunState } from '../../lib/nodes';
import { FIRST_NODE } from '../../lib/protocol';

type Block = Lesson['steps'][number]['blocks'][number];

export interface BlockButtonsOptions {
  blocks: readonly Block[];
  /** Whether each node the blocks run on can run a command now, by node name. */
  runStates: Readonly<Record<string, RunState>>;
  onrun: (code: string, node: string) => void;
}

export const blockButtons: Action<HTMLElement, BlockButtonsOptions> = (node, initial) => {
  let options = initial;
  const runButtons: { button: HTMLButtonElement; note: HTMLElement; node: string }[] = [];
  for (const pre of node.querySelectorAll<HTMLElement>('pre.slipway-block')) {
    const block = options.blocks[Number(pre.dataset.block)];
    if (!block) continue;
    const bar = document.createElement('div');
    bar.className = 'block-actions';
    if (pre.dataset.kind === 'run') {
      const note = document.createElement('span');
      note.className = 'block-note';
      note.dataset.testid = 'run-block-note';
      const run = button(runLabel(block.node), 'run-block', () => options.onrun(block.code.trimEnd(), block.node));
      run.dataset.node = block.node;
      run.setAttribute('aria-label', `Run ${block.code.trim()}${block.node === FIRST_NODE ? '' : ` on ${block.node}`}`);
      runButtons.push({ button: run, note, node: block.node });
      bar.append(note, run);
    }
    const copy = button('Copy', 'copy-block', () => {
      void navigator.clipboard?.writeText(block.code.trimEnd()).then(() => {
        copy.textContent = 'Copied';
        setTimeout(() => (copy.textContent = 'Copy'), 1500);
      });
    });
    bar.append(copy);
    pre.after(bar);
  }
  const show = (states: BlockButtonsOptions['runStates']) => {
    for (const { button, note, node } of runButtons) {
      const state = states[node] ?? { runnable: false };
      button.disabled = !state.runnable;
      note.textContent = state.runnable ? '' : (state.why ?? '');
    }
  };
  show(options.runStates);
  return {
    update(next) {
      options = next;
      show(next.runStates);
    },
  };
};

function button(text: string, testId: string, onclick: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.dataset.testid = testId;
  element.addEventListener('click', onclick);
  return element;
}
