/**
 * The page's view of the session's nodes (server/protocol/nodes.ts): the terminal tabs, whether
 * another node may be added, and whether a command can be typed into a node's shell now.
 */
import type { ShellState } from './connection.svelte';
import { errorText, type Messages } from './i18n/catalog';
import { FIRST_NODE, nodeChannel, nodeName, type NodeInfo } from './protocol';

/** The tabs to show: the server's nodes, or node1 alone until the server has listed them. */
export function nodeTabs(nodes: readonly NodeInfo[] | undefined, sandboxReady: boolean): readonly NodeInfo[] {
  if (nodes && nodes.length > 0) return nodes;
  return [{ name: FIRST_NODE, channel: nodeChannel(FIRST_NODE), state: sandboxReady ? 'ready' : 'starting' }];
}

/** The tab shown: the first of `wanted` (the selected node, then the one before) that exists, else the first tab. */
export function shownNode(tabs: readonly NodeInfo[], wanted: readonly string[]): string {
  return wanted.find((name) => tabs.some((tab) => tab.name === name)) ?? tabs[0]?.name ?? FIRST_NODE;
}

/** The node `node-add` starts: the lowest-numbered one the session lacks. */
export function nextNode(tabs: readonly NodeInfo[], max: number): string | undefined {
  for (let index = 1; index <= max; index++) {
    const name = nodeName(index);
    if (!tabs.some((tab) => tab.name === name)) return name;
  }
  return undefined;
}

/** The tab to show once `removed` is gone: the one before it. */
export function tabBefore(tabs: readonly NodeInfo[], removed: string): string {
  const index = tabs.findIndex((tab) => tab.name === removed);
  return tabs[Math.max(index - 1, 0)]?.name ?? FIRST_NODE;
}

/** Whether the learner may remove this node from the page: any but node1, once. */
export const removable = (tab: NodeInfo) => tab.name !== FIRST_NODE && tab.state !== 'removing';

/** Why no node can be added now, or undefined when one can; `max` is unknown until the server lists the nodes. */
export function addNodeBlocked(tabs: readonly NodeInfo[], max: number | undefined, sandboxReady: boolean, t: Messages): string | undefined {
  if (!sandboxReady || max === undefined) return t.nodes.notReady;
  if (tabs.length >= max) return t.nodes.atMost(max);
  return undefined;
}

/**
 * Whether a command can be typed into `node`'s shell now and, when not, why, if the learner
 * needs telling: nothing is said while the whole sandbox starts (the page says it) or a shell
 * is on its way.
 */
export type RunState = { runnable: true } | { runnable: false; why?: string };

export function runState(
  node: string,
  tabs: readonly NodeInfo[],
  shells: Readonly<Record<number, ShellState>>,
  sandboxReady: boolean,
  t: Messages,
): RunState {
  if (!sandboxReady) return { runnable: false };
  const tab = tabs.find((candidate) => candidate.name === node);
  const { why } = t.nodes;
  if (!tab) return { runnable: false, why: why.missing(node) };
  switch (tab.state) {
    case 'starting':
      return { runnable: false, why: why.starting(node) };
    case 'removing':
      return { runnable: false, why: why.removing(node) };
    case 'failed':
      if (tab.reason) return { runnable: false, why: why.failedBecause(node, errorText(t, tab.reason, tab.detail)) };
      return { runnable: false, why: tab.detail ? why.failedBecause(node, tab.detail) : why.failed(node) };
    case 'ready':
      break;
  }
  switch (shells[tab.channel]) {
    case 'attached':
      return { runnable: true };
    case 'exited':
      return { runnable: false, why: why.exited(node) };
    default:
      return { runnable: false };
  }
}

/** A run block's button: where it runs, unless that is the first node. */
export const runLabel = (node: string, t: Messages) => (node === FIRST_NODE ? t.run.button : t.run.on(node));
