/**
 * The explorer service's I/O against a fake engine: subscribe then list, re-read what an
 * event touched, publish on settle, diff each command, re-list after the stream breaks.
 */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandRecord } from '../checks/shell-integration';
import type { ServerMessage } from '../protocol';
import type { Sandbox } from '../sandbox/manager';
import type { SessionContext } from '../session/context';
import { Emitter } from '../terminal/terminal-process';
import { ExplorerService } from './service';

type RawNetwork = { Id: string; Name: string; Driver: string };

class FakeEngine {
  networks = new Map<string, RawNetwork>([['b', { Id: 'b', Name: 'bridge', Driver: 'bridge' }]]);
  stream = new PassThrough();
  subscriptions = 0;

  getEvents = async () => {
    this.subscriptions += 1;
    this.stream = new PassThrough();
    return this.stream;
  };
  info = async () => ({ SystemTime: new Date().toISOString(), Swarm: { LocalNodeState: 'inactive' } });
  listContainers = async () => [];
  listImages = async () => [];
  listNetworks = async () => [...this.networks.values()];
  listVolumes = async () => ({ Volumes: [] });
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
    const timeNano = Date.now() * 1e6;
    this.stream.write(`${JSON.stringify({ Type: 'network', Action: 'create', Actor: { ID: id, Attributes: { name } }, timeNano })}\n`);
  }
}

function setup() {
  const engine = new FakeEngine();
  const sent: ServerMessage[] = [];
  const commands = new Emitter<CommandRecord>();
  const context: SessionContext = {
    learner: 'l',
    sandbox: { node: 'node1' } as Sandbox,
    engine: engine as unknown as Docker,
    send: (message) => sent.push(message),
    onCommand: commands.event,
    history: [],
    exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }) as never,
    log: () => undefined,
  };
  const service = new ExplorerService(context);
  const networks = () =>
    sent.flatMap((m) => (m.type === 'explorer' ? [m.view.nodes[0]!.networks.map((n) => n.name).join(',')] : [])).at(-1);
  return { engine, sent, commands, service, networks };
}

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe('ExplorerService', () => {
  it('publishes the listing, then what events change, and diffs each command', async () => {
    const { engine, sent, commands, service, networks } = setup();
    dispose = () => service.dispose();
    await vi.waitFor(() => expect(networks()).toBe('bridge'));

    const startedAt = Date.now();
    engine.createNetwork('a', 'app');
    await vi.waitFor(() => expect(networks()).toBe('app,bridge'));
    commands.fire({ command: 'docker network create app', exitCode: 0, startedAt, finishedAt: Date.now(), node: 'node1' });
    await vi.waitFor(() => expect(sent.find((m) => m.type === 'explorer-diff')).toMatchObject({ summary: '+ network app' }));

    // A page that attaches gets the current view again.
    const before = sent.length;
    service.attached();
    expect(sent.slice(before)).toHaveLength(1);
  });

  it('re-subscribes and re-lists after the event stream breaks', async () => {
    const { engine, service, networks } = setup();
    dispose = () => service.dispose();
    await vi.waitFor(() => expect(networks()).toBe('bridge'));
    engine.stream.end();
    // Changed while nobody listened: only the new listing can know.
    engine.networks.set('c', { Id: 'c', Name: 'quiet', Driver: 'bridge' });
    await vi.waitFor(() => expect(networks()).toBe('bridge,quiet'));
    expect(engine.subscriptions).toBe(2);
  });

  it('sends no diff for a command that changed nothing', async () => {
    const { sent, commands, service, networks } = setup();
    dispose = () => service.dispose();
    await vi.waitFor(() => expect(networks()).toBe('bridge'));
    commands.fire({ command: 'docker ps', exitCode: 0, startedAt: Date.now() - 10, finishedAt: Date.now(), node: 'node1' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sent.some((m) => m.type === 'explorer-diff')).toBe(false);
  });
});
