/**
 * The explorer service over engine states of fake engines: publish on settle, diff each
 * command, publish again after the stream broke and the engine was listed again; one
 * explorer per node as nodes come and go; a watching trainer gets what the page gets.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineStates } from '../engine-state/session-states';
import type { ExplorerUpdate } from '../protocol';
import type { Sandbox } from '../sandbox/manager';
import type { SessionNode } from '../session/context';
import { FakeEngine } from '../testing/fake-engine';
import { fakeSessionContext } from '../testing/session-context';
import { ExplorerService } from './service';

/** Makes a network as `docker network create` would, and reports it. */
function createNetwork(engine: FakeEngine, id: string, name: string): void {
  engine.networks.set(id, { id, name, driver: 'bridge' });
  engine.emit({ Type: 'network', Action: 'create', Actor: { ID: id, Attributes: { name } } });
}

/** An engine with one network, bridge (id `b`). */
function loneEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.networks.clear();
  engine.networks.set('b', { id: 'b', name: 'bridge', driver: 'bridge' });
  return engine;
}

function setup() {
  const engines = new Map([['node1', loneEngine()]]);
  const states = new EngineStates({ log: () => undefined });
  const fakeNode = (name: string): SessionNode => ({
    name,
    sandbox: { node: name } as Sandbox,
    engine: engines.get(name)!.docker,
    state: states.open(name, engines.get(name)!.docker),
    exec: async () => ({ exitCode: 0, output: '' }),
  });
  let nodes = [fakeNode('node1')];
  const { context, sent, commands, nodesChanged, setLocale } = fakeSessionContext(() => nodes, states);
  const service = new ExplorerService(context);
  dispose = () => {
    service.dispose();
    states.dispose();
  };
  const engine = engines.get('node1')!;
  /** The last view's networks per node: `node1: bridge | node2: bridge`. */
  const networks = () => {
    const view = sent.findLast((m) => m.type === 'explorer')?.view;
    return view?.nodes.map((n) => `${n.node}: ${n.networks.map((network) => network.name).join(',')}`).join(' | ');
  };
  const setNodes = (names: string[]) => {
    for (const name of names) if (!engines.has(name)) engines.set(name, loneEngine());
    for (const node of nodes) if (!names.includes(node.name)) states.close(node.name);
    nodes = names.map((name) => nodes.find((node) => node.name === name) ?? fakeNode(name));
    nodesChanged.fire(nodes);
  };
  return { engine, engines, sent, commands, service, networks, setNodes, setLocale };
}

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe('ExplorerService', () => {
  it('publishes the listing, then what events change, and diffs each command', async () => {
    const { engine, sent, commands, service, networks } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));

    const startedAt = Date.now();
    createNetwork(engine, 'a', 'app');
    await vi.waitFor(() => expect(networks()).toBe('node1: app,bridge'));
    commands.fire({ command: 'docker network create app', exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
    await vi.waitFor(() => expect(sent.find((m) => m.type === 'explorer-diff')).toMatchObject({ node: 'node1', summary: '+ network app' }));

    // A page that attaches gets the current view again.
    const before = sent.length;
    service.attached();
    expect(sent.slice(before)).toHaveLength(1);
  });

  it('shows a watching trainer the whole view, then every view and diff the page gets, never details, until disposed', async () => {
    const { engine, sent, commands, service, networks } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));
    const watched: ExplorerUpdate[] = [];
    const from = sent.length;
    const watch = service.watch((update) => watched.push(update));
    expect(watched).toEqual([sent.findLast((m) => m.type === 'explorer')]);

    const startedAt = Date.now();
    createNetwork(engine, 'a', 'app');
    await vi.waitFor(() => expect(networks()).toBe('node1: app,bridge'));
    commands.fire({ command: 'docker network create app', exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
    await vi.waitFor(() => expect(sent.some((m) => m.type === 'explorer-diff')).toBe(true));
    service.handle({ type: 'explorer-details', node: 'node1', kind: 'network', id: 'a' });
    await vi.waitFor(() => expect(sent.some((m) => m.type === 'details')).toBe(true));
    expect(watched.slice(1)).toEqual(sent.slice(from).filter((m) => m.type === 'explorer' || m.type === 'explorer-diff'));
    expect(watched.map((update) => update.type)).toEqual(['explorer', 'explorer', 'explorer-diff']);

    watch.dispose();
    createNetwork(engine, 'c', 'later');
    await vi.waitFor(() => expect(networks()).toBe('node1: app,bridge,later'));
    expect(watched).toHaveLength(3);
  });

  it('words diffs and details in the learner’s language, and shows the details again when it changes', async () => {
    const { engine, sent, commands, service, networks, setLocale } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));
    engine.images.set('sha256:n', { id: 'sha256:n', tags: ['nginx:latest'], size: 1_000, layers: 1 });
    /** The title and first line of the details last shown. */
    const shown = () => {
      const details = sent.findLast((m) => m.type === 'details')?.details;
      return details && `${details.title} | ${details.fields[0]?.label}: ${details.fields[0]?.value}`;
    };
    service.handle({ type: 'explorer-details', node: 'node1', kind: 'image', id: 'nginx:latest' });
    await vi.waitFor(() => expect(shown()).toBe('image nginx:latest | Tags: nginx:latest'));
    setLocale('zh');
    await vi.waitFor(() => expect(shown()).toBe('镜像 nginx:latest | 标签: nginx:latest'));

    const startedAt = Date.now();
    createNetwork(engine, 'a', 'app');
    await vi.waitFor(() => expect(networks()).toBe('node1: app,bridge'));
    commands.fire({ command: 'docker network create app', exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
    await vi.waitFor(() => expect(sent.find((m) => m.type === 'explorer-diff')).toMatchObject({ summary: '+ 网络 app' }));
  });

  it('re-subscribes and re-lists after the event stream breaks', async () => {
    const { engine, networks } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));
    engine.streams.at(-1)!.end();
    // Changed while nobody listened: only the new listing can know.
    engine.networks.set('c', { id: 'c', name: 'quiet', driver: 'bridge' });
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge,quiet'));
    expect(engine.calls.filter((call) => call === 'events')).toHaveLength(2);
  });

  it('sends no diff for a command that changed nothing', async () => {
    const { sent, commands, networks } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));
    commands.fire({ command: 'docker ps', exitCode: 0, startedAt: Date.now() - 10, finishedAt: Date.now(), node: 'node1' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sent.some((m) => m.type === 'explorer-diff')).toBe(false);
  });

  it('explores every ready node, node1 first, and diffs each command on its own node', async () => {
    const { engines, sent, commands, networks, setNodes } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));
    setNodes(['node1', 'node3', 'node2']);
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge | node2: bridge | node3: bridge'));

    const startedAt = Date.now();
    createNetwork(engines.get('node2')!, 'o', 'backend');
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge | node2: backend,bridge | node3: bridge'));
    // The same command on node1 changed nothing there.
    commands.fire({ command: 'docker network create backend', exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
    commands.fire({ command: 'docker network create backend', exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node2' });
    await vi.waitFor(() => expect(sent.some((m) => m.type === 'explorer-diff')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent.filter((m) => m.type === 'explorer-diff')).toEqual([
      { type: 'explorer-diff', node: 'node2', changes: [{ op: '+', kind: 'network', name: 'backend' }], summary: '+ network backend' },
    ]);

    setNodes(['node1', 'node2']);
    expect(networks()).toBe('node1: bridge | node2: backend,bridge');
    expect(engines.get('node3')!.streams.at(-1)!.destroyed).toBe(true);
  });

  it('answers about objects on the node named, and says when there is no such node', async () => {
    const { sent, service, networks, setNodes } = setup();
    setNodes(['node1', 'node2']);
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge | node2: bridge'));
    service.handle({ type: 'explorer-details', node: 'node2', kind: 'network', id: 'b' });
    await vi.waitFor(() => expect(sent.find((m) => m.type === 'details')).toMatchObject({ details: { node: 'node2', title: 'network bridge' } }));
    service.handle({ type: 'explorer-details', node: 'node4', kind: 'network', id: 'b' });
    service.handle({ type: 'logs-follow', node: 'node4', container: 'web' });
    expect(sent.filter((m) => m.type === 'error').map((m) => m.type === 'error' && m.code)).toEqual(['NODE_NOT_FOUND', 'NODE_NOT_FOUND']);
  });
});
