/**
 * An engine in memory for the sandbox manager's unit tests: containers and networks are
 * names in sets, every call succeeds at once. Only what the manager calls is here.
 */
import type Docker from 'dockerode';

export class FakeDocker {
  /** Live containers: id -> name. */
  readonly containers = new Map<string, string>();
  /** Each live container's network: id -> name. */
  readonly networkOf = new Map<string, string>();
  readonly networks = new Set<string>();
  /** What listContainers answers at start (sandboxes left by an earlier run, for adoption). */
  listed: Docker.ContainerInfo[] = [];
  #nextId = 1;

  get engine(): Docker {
    return this as unknown as Docker;
  }

  /** The live containers' names, sorted. */
  names(): string[] {
    return [...this.containers.values()].sort();
  }

  listContainers = async () => this.listed;
  listNetworks = async () => [];

  createNetwork = async (spec: { Name: string }) => {
    this.networks.add(spec.Name);
  };

  getNetwork = (name: string) => ({
    connect: async () => undefined,
    disconnect: async () => undefined,
    remove: async () => void this.networks.delete(name),
  });

  createContainer = async (spec: { name: string; HostConfig?: { NetworkMode?: string } }) => {
    const id = `c${this.#nextId++}`;
    this.containers.set(id, spec.name);
    this.networkOf.set(id, spec.HostConfig?.NetworkMode ?? '');
    return this.getContainer(id);
  };

  /** The live containers' names, sorted, each with its network. */
  placed(): Array<[string, string]> {
    return [...this.containers].map(([id, name]): [string, string] => [name, this.networkOf.get(id) ?? '']).sort(([a], [b]) => a.localeCompare(b));
  }

  getContainer = (id: string) => ({
    id,
    start: async () => undefined,
    remove: async () => {
      this.containers.delete(id);
      this.networkOf.delete(id);
    },
    rename: async ({ name }: { name: string }) => void this.containers.set(id, name),
  });
}
