/**
 * A Docker engine in memory, for tests of what Slipway reads from an inner engine: it answers
 * the Engine API calls Slipway makes (lists, inspects, info, the swarm's lists, /events) from
 * objects a test sets up, in the JSON shapes the engine sends, and counts every call, so a test
 * can say how many requests a learner's command costs. Events are what the test emits: the
 * engine does not invent them when objects change, as a recorded sequence says what they were.
 */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export interface FakeContainer {
  id: string;
  name: string;
  /** As the learner named it. */
  image: string;
  imageId: string;
  status: string;
  exitCode?: number;
  ports?: { containerPort: number; hostPort?: number; protocol?: string }[];
  networks?: string[];
  env?: string[];
  labels?: Record<string, string>;
  restartPolicy?: string;
  mounts?: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

export interface FakeImage {
  id: string;
  tags: string[];
  size: number;
  layers: number;
}

export interface FakeNetwork {
  id: string;
  name: string;
  driver: string;
}

/** The Engine API calls Slipway makes of an inner engine, as counted. */
export type EngineCall =
  | 'events'
  | 'info'
  | 'containers.list'
  | 'containers.inspect'
  | 'images.list'
  | 'images.inspect'
  | 'networks.list'
  | 'networks.inspect'
  | 'volumes.list'
  | 'volumes.inspect'
  | 'nodes.list'
  | 'services.list'
  | 'tasks.list'
  | 'swarm.leave';

const notFound = (what: string) => Object.assign(new Error(`No such ${what}`), { statusCode: 404 });

export class FakeEngine {
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Map<string, FakeImage>();
  readonly networks = new Map<string, FakeNetwork>();
  readonly volumes = new Map<string, { name: string; driver: string }>();
  /** Set for a swarm member; `manager` decides whether it answers the swarm's lists. */
  swarm: { manager: boolean; nodes: unknown[]; services: unknown[]; tasks: unknown[] } | undefined;
  /** Every call so far, in order. */
  readonly calls: EngineCall[] = [];
  /** Every `/events` subscription's stream, the newest last. */
  readonly streams: PassThrough[] = [];

  constructor() {
    for (const [id, name, driver] of [
      ['net-bridge', 'bridge', 'bridge'],
      ['net-host', 'host', 'host'],
      ['net-none', 'none', 'null'],
    ] as const) {
      this.networks.set(id, { id, name, driver });
    }
  }

  /** This engine as the dockerode client Slipway's code takes. */
  get docker(): Docker {
    return this as unknown as Docker;
  }

  /** The calls from the `from`th on, by kind: `{ 'containers.inspect': 2, ... }`. */
  tally(from = 0): Partial<Record<EngineCall, number>> {
    const tally: Partial<Record<EngineCall, number>> = {};
    for (const call of this.calls.slice(from)) tally[call] = (tally[call] ?? 0) + 1;
    return tally;
  }

  /** Writes one event to every open subscription, stamped with the engine's time (Date.now, which tests may fake). */
  emit(event: { Type: string; Action: string; Actor?: unknown; scope?: string | null }): void {
    const ms = Date.now();
    const line = `${JSON.stringify({ scope: 'local', ...event, time: Math.floor(ms / 1000), timeNano: ms * 1e6 })}\n`;
    for (const stream of this.streams) if (!stream.destroyed && stream.writable) stream.write(line);
  }

  // ---- the Engine API, as dockerode exposes it --------------------------------------------

  getEvents = async () => {
    this.calls.push('events');
    const stream = new PassThrough();
    this.streams.push(stream);
    return stream;
  };

  info = async () => {
    this.calls.push('info');
    return {
      SystemTime: new Date().toISOString(),
      Swarm: this.swarm ? { LocalNodeState: 'active', ControlAvailable: this.swarm.manager } : { LocalNodeState: 'inactive', ControlAvailable: false },
    };
  };

  listContainers = async (options: { filters?: { id?: string[] } } = {}) => {
    this.calls.push('containers.list');
    const ids = options.filters?.id;
    return [...this.containers.values()].filter((c) => !ids || ids.includes(c.id)).map((c) => containerSummary(c));
  };

  getContainer = (id: string) => ({
    inspect: async () => {
      this.calls.push('containers.inspect');
      const container = this.containers.get(id) ?? [...this.containers.values()].find((c) => c.name === id);
      if (!container) throw notFound(`container: ${id}`);
      return containerInspect(container);
    },
  });

  listImages = async () => {
    this.calls.push('images.list');
    return [...this.images.values()].map((image) => ({ Id: image.id, RepoTags: image.tags, Size: image.size, Labels: null }));
  };

  getImage = (id: string) => ({
    inspect: async () => {
      this.calls.push('images.inspect');
      const image = this.images.get(id) ?? [...this.images.values()].find((candidate) => candidate.tags.includes(id));
      if (!image) throw notFound(`image: ${id}`);
      const layers = Array.from({ length: image.layers }, (_, index) => `sha256:layer${index}`);
      return { Id: image.id, RepoTags: image.tags, Size: image.size, RootFS: { Type: 'layers', Layers: layers } };
    },
  });

  listNetworks = async () => {
    this.calls.push('networks.list');
    return [...this.networks.values()].map((network) => ({ Id: network.id, Name: network.name, Driver: network.driver, Containers: {} }));
  };

  getNetwork = (id: string) => ({
    inspect: async () => {
      this.calls.push('networks.inspect');
      const network = this.networks.get(id) ?? [...this.networks.values()].find((candidate) => candidate.name === id);
      if (!network) throw notFound(`network: ${id}`);
      const members = [...this.containers.values()].filter((c) => (c.networks ?? ['bridge']).includes(network.name));
      const containers = Object.fromEntries(members.map((c) => [c.id, { Name: c.name }]));
      return { Id: network.id, Name: network.name, Driver: network.driver, Containers: containers };
    },
  });

  listVolumes = async () => {
    this.calls.push('volumes.list');
    return { Volumes: [...this.volumes.values()].map((volume) => ({ Name: volume.name, Driver: volume.driver })), Warnings: null };
  };

  getVolume = (name: string) => ({
    inspect: async () => {
      this.calls.push('volumes.inspect');
      const volume = this.volumes.get(name);
      if (!volume) throw notFound(`volume: ${name}`);
      return { Name: volume.name, Driver: volume.driver, Mountpoint: `/var/lib/docker/volumes/${volume.name}/_data` };
    },
  });

  swarmLeave = async () => {
    this.calls.push('swarm.leave');
    this.swarm = undefined;
  };

  listNodes = async () => this.#swarmList('nodes.list', (swarm) => swarm.nodes);
  listServices = async () => this.#swarmList('services.list', (swarm) => swarm.services);
  listTasks = async () => this.#swarmList('tasks.list', (swarm) => swarm.tasks);

  #swarmList(call: EngineCall, list: (swarm: NonNullable<FakeEngine['swarm']>) => unknown[]): unknown[] {
    this.calls.push(call);
    if (!this.swarm?.manager) throw Object.assign(new Error('This node is not a swarm manager.'), { statusCode: 503 });
    return list(this.swarm);
  }
}

function portsOf(container: FakeContainer) {
  return (container.ports ?? []).map((port) => ({ ...port, protocol: port.protocol ?? 'tcp' }));
}

function containerSummary(container: FakeContainer) {
  const exited = container.status === 'exited';
  return {
    Id: container.id,
    Names: [`/${container.name}`],
    Image: container.image,
    ImageID: container.imageId,
    State: container.status,
    Status: exited ? `Exited (${container.exitCode ?? 0}) 1 second ago` : 'Up 1 second',
    Ports: portsOf(container).map((port) => ({ IP: '0.0.0.0', PrivatePort: port.containerPort, PublicPort: port.hostPort, Type: port.protocol })),
    Labels: container.labels ?? {},
    NetworkSettings: { Networks: Object.fromEntries((container.networks ?? ['bridge']).map((name) => [name, {}])) },
    Mounts: container.mounts ?? [],
  };
}

function containerInspect(container: FakeContainer) {
  const ports = Object.fromEntries(
    portsOf(container).map((port) => [
      `${port.containerPort}/${port.protocol}`,
      port.hostPort === undefined ? null : [{ HostIp: '0.0.0.0', HostPort: String(port.hostPort) }],
    ]),
  );
  return {
    Id: container.id,
    Name: `/${container.name}`,
    Image: container.imageId,
    State: { Status: container.status, ExitCode: container.exitCode ?? 0 },
    Config: { Image: container.image, Env: container.env ?? [], Labels: container.labels ?? {} },
    HostConfig: { RestartPolicy: { Name: container.restartPolicy ?? '' } },
    NetworkSettings: { Ports: ports, Networks: Object.fromEntries((container.networks ?? ['bridge']).map((name) => [name, {}])) },
    Mounts: container.mounts ?? [],
  };
}
