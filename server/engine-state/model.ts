/**
 * The model of one engine's objects, kept current one read at a time: a listing, then each
 * object an event touched, read again. Pure: `applyRead` gives the model with one read applied
 * (the same model when the read changed nothing), `snapshotOf` the snapshot that checks and
 * the explorer read, with what is derived from several objects (who is on each network, who
 * uses each volume, the names of each service's networks) derived once, there.
 */
import type { ContainerInfo, EngineSnapshot, ImageInfo, NetworkInfo, ServiceInfo, SwarmInfo, VolumeInfo } from './snapshot';

/** A service as read: its networks by id, named in the snapshot (an overlay network may be read after its service). */
export type ServiceRecord = Omit<ServiceInfo, 'networks'> & { networkIds: string[] };
export type SwarmRecord = Omit<SwarmInfo, 'services'> & { services: ServiceRecord[] };
/** Networks' `containers` and volumes' `users` stay empty here: `snapshotOf` derives them. */
export type EngineModel = Omit<EngineSnapshot, 'swarm'> & { swarm: SwarmRecord };

/** What one read found; `info: null` when the object no longer exists (the engine answered 404). */
export type ReadResult =
  | { what: 'container'; id: string; info: ContainerInfo | null }
  | { what: 'network'; id: string; info: NetworkInfo | null }
  | { what: 'volume'; id: string; info: VolumeInfo | null }
  /** Every image; `layers` left out where the model knows them (an image's layers never change). */
  | { what: 'images'; images: ImageInfo[] }
  /** GET /info alone: whether the engine is in a swarm, and manages it. */
  | { what: 'membership'; active: boolean; manager: boolean }
  | { what: 'swarm'; swarm: SwarmRecord };

/** Models and their parts are built by the same code, so equal ones serialize alike. */
export const sameData = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

export function applyRead(model: EngineModel, result: ReadResult): EngineModel {
  switch (result.what) {
    case 'container':
      return withList(model, 'containers', replaceById(model.containers, (c) => c.id, result.id, result.info));
    case 'network':
      return withList(model, 'networks', replaceById(model.networks, (n) => n.id, result.id, result.info));
    case 'volume':
      return withList(model, 'volumes', replaceById(model.volumes, (v) => v.name, result.id, result.info));
    case 'images': {
      const known = new Map(model.images.map((image) => [image.id, image.layers]));
      const images = result.images.map((image) => (image.layers === undefined ? { ...image, layers: known.get(image.id) } : image));
      return withList(model, 'images', images);
    }
    case 'membership': {
      const { active, manager } = result;
      // Only managers see the swarm's nodes and services.
      const swarm = manager ? { ...model.swarm, active, manager } : { active, manager, nodes: [], services: [] };
      return sameData(swarm, model.swarm) ? model : { ...model, swarm };
    }
    case 'swarm':
      return sameData(result.swarm, model.swarm) ? model : { ...model, swarm: result.swarm };
  }
}

function withList<K extends 'containers' | 'images' | 'networks' | 'volumes'>(model: EngineModel, key: K, list: EngineModel[K]): EngineModel {
  return sameData(list, model[key]) ? model : { ...model, [key]: list };
}

function replaceById<T>(list: readonly T[], keyOf: (item: T) => string, key: string, item: T | null): T[] {
  const rest = list.filter((existing) => keyOf(existing) !== key);
  if (!item) return rest;
  const index = list.findIndex((existing) => keyOf(existing) === key);
  // An updated object stays where it was, so that lists do not reorder as things change.
  return index === -1 ? [...rest, item] : [...rest.slice(0, index), item, ...rest.slice(index)];
}

/**
 * The snapshot of a model. Only containers count as a network's members: endpoints such as
 * the swarm's `ingress-endpoint` are not things a learner made.
 */
export function snapshotOf(model: EngineModel): EngineSnapshot {
  const { containers } = model;
  const networkNames = new Map(model.networks.map((network) => [network.id, network.name]));
  return {
    containers,
    images: model.images,
    networks: model.networks.map((network) => ({
      ...network,
      containers: containers.filter((c) => c.networks.includes(network.name)).map((c) => c.name),
    })),
    volumes: model.volumes.map((volume) => ({
      ...volume,
      users: containers.filter((c) => c.mounts.some((mount) => mount.type === 'volume' && mount.name === volume.name)).map((c) => c.name),
    })),
    swarm: {
      ...model.swarm,
      services: model.swarm.services.map(({ networkIds, ...service }) => ({
        ...service,
        networks: networkIds.map((id) => networkNames.get(id) ?? id),
      })),
    },
  };
}

/** A service has tasks that should run but do not, or fewer running tasks than replicas. */
export function converging(swarm: Pick<SwarmRecord, 'services'>): boolean {
  return swarm.services.some((service) => {
    const current = service.tasks.filter((task) => task.desiredState === 'running');
    const running = current.filter((task) => task.state === 'running').length;
    return running < current.length || (service.replicas !== undefined && running < service.replicas);
  });
}
