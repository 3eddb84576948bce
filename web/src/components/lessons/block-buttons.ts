/**
 * Puts Run and Copy buttons on the run and copy blocks of a step's HTML, which the lesson
 * parser leaves in place as `<pre class="slipway-block" data-block="N" data-kind="run">`.
 */
import type { Action } from 'svelte/action';
import type { Lesson } from '../../lib/lessons.svelte';

type Block = Lesson['steps'][number]['blocks'][number];

export interface BlockButtonsOptions {
  blocks: readonly Block[];
  canRun: boolean;
  onrun: (code: string) => void;
}

export const blockButtons: Action<HTMLElement, BlockButtonsOptions> = (node, initial) => {
  let options = initial;
  const runButtons: HTMLButtonElement[] = [];
  for (const pre of node.querySelectorAll<HTMLElement>('pre.slipway-block')) {
    const block = options.blocks[Number(pre.dataset.block)];
    if (!block) continue;
    const bar = document.createElement('div');
    bar.className = 'block-actions';
    if (pre.dataset.kind === 'run') {
      const run = button('Run ▸', 'run-block', () => options.onrun(block.code.trimEnd()));
      run.setAttribute('aria-label', `Run ${block.code.trim()}`);
      run.disabled = !options.canRun;
      runButtons.push(run);
      bar.append(run);
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
  return {
    update(next) {
      options = next;
      for (const run of runButtons) run.disabled = !next.canRun;
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
