/**
 * The explorer service's I/O against fake engines: subscribe then list, re-read what an
 * event touched, publish on settle, diff each command, re-list after the stream breaks;
 * one explorer per node as nodes come and go.
 */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandRecord } from '../checks/shell-integration';
import type { ServerMessage } from '../protocol';
import type { Sandbox } from '../sandbox/manager';
import type { SessionContext, SessionNode } from '../session/context';
import { Emitter } from '../common/emitter';
import { ExplorerService } from './service';

type RawNetwork = { Id: string; Name: string; Driver: string };

class FakeEngine {
  networks = new Map<string, RawNetwork>([['b', { Id: 'b', Name: 'bridge', Driver: 'bridge' }]]);
  stream = new PassThrough();
  subscriptions = 0;
  /** A swarm manager (with no nodes or services) instead of a lone engine. */
  manager = false;
  swarmReads = 0;

  getEvents = async () => {
    this.subscriptions += 1;
    this.stream = new PassThrough();
    return this.stream;
  };
  info = async () => ({
    SystemTime: new Date().toISOString(),
    Swarm: this.manager ? { LocalNodeState: 'active', ControlAvailable: true } : { LocalNodeState: 'inactive' },
  });
  listContainers = async () => [];
  listImages = async () => [];
  listNetworks = async () => [...this.networks.values()];
  listVolumes = async () => ({ Volumes: [] });
  listNodes = async () => [];
  listServices = async () => {
    this.swarmReads += 1;
    return [];
  };
  listTasks = async () => [];
  getNetwork = (id: string) => ({
    inspect: async () => {
      const network = this.networks.get(id);
      if (!network) throw Object.assign(new Error('no such network'), { statusCode: 404 });
      return network;
    },
  });

  /** Makes a network as `docker network create` would, and reports it. */
  createNetwork(id: string, name: string): void {
    this.networks.set(id, { Id: id, Name: name, Driver: 'bridge' });
    this.report({ Type: 'network', Action: 'create', Actor: { ID: id, Attributes: { name } } });
  }

  report(event: object): void {
    this.stream.write(`${JSON.stringify({ ...event, timeNano: Date.now() * 1e6 })}\n`);
  }
}

const fakeNode = (name: string, engine: FakeEngine): SessionNode => ({
  name,
  sandbox: { node: name } as Sandbox,
  engine: engine as unknown as Docker,
  exec: async () => ({ exitCode: 0, output: '' }),
});

function setup() {
  const engines = new Map([['node1', new FakeEngine()]]);
  let nodes = [fakeNode('node1', engines.get('node1')!)];
  const sent: ServerMessage[] = [];
  const commands = new Emitter<CommandRecord>();
  const nodesChanged = new Emitter<readonly SessionNode[]>();
  const context: SessionContext = {
    learner: 'l',
    nodes: () => nodes,
    node: (name) => nodes.find((node) => node.name === name),
    onNodesChanged: nodesChanged.event,
    ensureNodes: async () => undefined,
    send: (message) => sent.push(message),
    onCommand: commands.event,
    history: [],
    log: () => undefined,
  };
  const service = new ExplorerService(context);
  dispose = () => service.dispose();
  const engine = engines.get('node1')!;
  /** The last view's networks per node: `node1: bridge | node2: bridge`. */
  const networks = () => {
    const view = sent.findLast((m) => m.type === 'explorer')?.view;
    return view?.nodes.map((n) => `${n.node}: ${n.networks.map((network) => network.name).join(',')}`).join(' | ');
  };
  const setNodes = (names: string[]) => {
    for (const name of names) if (!engines.has(name)) engines.set(name, new FakeEngine());
    nodes = names.map((name) => nodes.find((node) => node.name === name) ?? fakeNode(name, engines.get(name)!));
    nodesChanged.fire(nodes);
  };
  return { engine, engines, sent, commands, service, networks, setNodes };
}

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe('ExplorerService', () => {
  it('publishes the listing, then what events change, and diffs each command', async () => {
    const { engine, sent, commands, service, networks } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));

    const startedAt = Date.now();
    engine.createNetwork('a', 'app');
    await vi.waitFor(() => expect(networks()).toBe('node1: app,bridge'));
    commands.fire({ command: 'docker network create app', exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
    await vi.waitFor(() => expect(sent.find((m) => m.type === 'explorer-diff')).toMatchObject({ node: 'node1', summary: '+ network app' }));

    // A page that attaches gets the current view again.
    const before = sent.length;
    service.attached();
    expect(sent.slice(before)).toHaveLength(1);
  });

  it('re-subscribes and re-lists after the event stream breaks', async () => {
    const { engine, networks } = setup();
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge'));
    engine.stream.end();
    // Changed while nobody listened: only the new listing can know.
    engine.networks.set('c', { Id: 'c', Name: 'quiet', Driver: 'bridge' });
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge,quiet'));
    expect(engine.subscriptions).toBe(2);
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
    engines.get('node2')!.createNetwork('o', 'backend');
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
    expect(engines.get('node3')!.stream.destroyed).toBe(true);
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

  it('has managers re-read the swarm when a task changes on another node', async () => {
    const { engines, networks, setNodes } = setup();
    const manager = engines.get('node1')!;
    manager.manager = true;
    setNodes(['node1', 'node2']);
    await vi.waitFor(() => expect(networks()).toBe('node1: bridge | node2: bridge'));
    const reads = manager.swarmReads;
    engines.get('node2')!.report({ Type: 'container', Action: 'die', Actor: { ID: 'c1', Attributes: { 'com.docker.swarm.service.id': 's1' } } });
    await vi.waitFor(() => expect(manager.swarmReads).toBeGreaterThan(reads));
  });
});
