/**
 * xterm's code, about 320 kB and most of the learner page's script, is a chunk of its own:
 * asked for as soon as the page's script runs, and not waited for before the page is drawn
 * and answers input. Terminals open once it has arrived, which is long before a sandbox is
 * ready. Asked again after a network failure, as any load of the page's.
 */
import { retryNetwork } from './network-retry';

export type Xterm = { Terminal: typeof import('@xterm/xterm').Terminal; FitAddon: typeof import('@xterm/addon-fit').FitAddon };

let loading: Promise<Xterm> | undefined;

export function loadXterm(): Promise<Xterm> {
  loading ??= retryNetwork(() => Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')])).then(([{ Terminal }, { FitAddon }]) => ({ Terminal, FitAddon }));
  return loading;
}

/** The User Timing mark set when the page's first terminal has opened (read by the bench). */
export const TERMINAL_OPEN_MARK = 'slipway:terminal-open';
