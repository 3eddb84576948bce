import { describe, expect, it } from 'vitest';
import { addNodeBlocked, nextNode, nodeTabs, removable, runLabel, runState, shownNode, tabBefore } from './nodes';
import { en } from './i18n/en';
import { zh } from './i18n/zh';
import { ERRORS, type NodeInfo } from './protocol';

const tabs: NodeInfo[] = [
  { name: 'node1', channel: 0, state: 'ready' },
  { name: 'node2', channel: 1, state: 'starting' },
  { name: 'node3', channel: 2, state: 'failed', detail: 'no room left' },
  { name: 'node4', channel: 3, state: 'removing' },
  { name: 'node5', channel: 4, state: 'ready' },
];

describe('node tabs', () => {
  it('are the server’s nodes, or node1 alone until it lists them', () => {
    expect(nodeTabs(tabs, true)).toBe(tabs);
    expect(nodeTabs(undefined, false)).toEqual([{ name: 'node1', channel: 0, state: 'starting' }]);
    expect(nodeTabs([], true)).toEqual([{ name: 'node1', channel: 0, state: 'ready' }]);
  });

  it('show the selected node while it exists, else the one shown before', () => {
    expect(shownNode(tabs, ['node3', 'node2'])).toBe('node3');
    expect(shownNode(tabs, ['node7', 'node2'])).toBe('node2');
    expect(shownNode(tabs, ['node7', 'node8'])).toBe('node1');
  });

  it('go back to the tab before a removed one, and add the lowest-numbered missing node', () => {
    expect(tabBefore(tabs, 'node3')).toBe('node2');
    expect(tabBefore(tabs, 'node1')).toBe('node1');
    expect(nextNode(tabs, 9)).toBe('node6');
    expect(nextNode(tabs.filter((tab) => tab.name !== 'node2'), 9)).toBe('node2');
    expect(nextNode(tabs, 5)).toBeUndefined();
  });

  it('let every node but node1 be removed, once', () => {
    expect(tabs.map(removable)).toEqual([false, true, true, false, true]);
  });

  it('allow adding a node below the maximum, in a ready sandbox', () => {
    expect(addNodeBlocked(tabs, 9, true, en)).toBeUndefined();
    expect(addNodeBlocked(tabs, 5, true, en)).toBe('Your session holds at most 5 nodes: remove one to add another.');
    expect(addNodeBlocked(tabs, 9, false, en)).toBe('Your sandbox is not ready yet.');
    expect(addNodeBlocked(tabs, undefined, true, en)).toBe('Your sandbox is not ready yet.');
    expect(addNodeBlocked(tabs.slice(0, 1), 1, true, en)).toBe('Your session holds at most 1 node: remove one to add another.');
  });
});

describe('running a command on a node', () => {
  const shells = { 0: 'attached', 4: 'exited' } as const;

  it('needs the node ready and its shell attached', () => {
    expect(runState('node1', tabs, shells, true, en)).toEqual({ runnable: true });
    expect(runState('node1', tabs, shells, false, en)).toEqual({ runnable: false });
    expect(runState('node1', tabs, {}, true, en)).toEqual({ runnable: false });
  });

  it('says why when the node is not there to run it', () => {
    expect(runState('node2', tabs, shells, true, en)).toEqual({ runnable: false, why: 'node2 is starting…' });
    expect(runState('node3', tabs, shells, true, en)).toEqual({ runnable: false, why: 'node3 could not be started: no room left' });
    expect(runState('node4', tabs, shells, true, en)).toEqual({ runnable: false, why: 'node4 is being removed.' });
    // A coded failure is worded in the page's language, whatever the server's English said.
    const coded: NodeInfo[] = [{ name: 'node2', channel: 1, state: 'failed', detail: ERRORS.SANDBOX_LIMIT_REACHED.message, reason: 'SANDBOX_LIMIT_REACHED' }];
    expect(runState('node2', coded, shells, true, zh)).toEqual({ runnable: false, why: zh.nodes.why.failedBecause('node2', zh.errors.SANDBOX_LIMIT_REACHED) });
    expect(runState('node5', tabs, shells, true, en)).toEqual({
      runnable: false,
      why: 'The shell on node5 has ended: press Enter in its terminal for a new one.',
    });
    expect(runState('node6', tabs, shells, true, en)).toEqual({
      runnable: false,
      why: 'node6 is not in your session: add it with “+ Add node” above the terminal.',
    });
    expect(runState('node2', tabs, shells, true, zh)).toEqual({ runnable: false, why: 'node2 正在启动…' });
  });

  it('labels the button with the node unless it is node1', () => {
    expect(runLabel('node1', en)).toBe('Run ▸');
    expect(runLabel('node2', en)).toBe('Run on node2 ▸');
    expect(runLabel('node2', zh)).toBe('在 node2 上运行 ▸');
  });
});
