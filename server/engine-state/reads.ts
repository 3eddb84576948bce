/**
 * The reads the follower makes of an engine (the I/O half of from-engine.ts): a whole
 * listing, and the one object an event touched. Every call goes through the node's bounded
 * engine client (session/bounded-engine.ts).
 */
import type Docker from 'dockerode';
import { engineTimeNano, type Target } from './events';
import {
  containerFromEngine,
  imagesFromEngine,
  modelFromEngine,
  networkFromEngine,
  swarmFromEngine,
  swarmMembershipFromEngine,
  volumeFromEngine,
} from './from-engine';
import type { EngineModel, ReadResult } from './model';
import type { EngineSnapshot } from './snapshot';

type Info = { SystemTime?: string; Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** Null when the engine says the object does not exist; other errors go on. */
export async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

const isManager = (info: Info) => info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;

/**
 * Everything: GET /info first, whose SystemTime places the listing among events (what
 * happened before it is in the lists), then the lists, then the details lists lack.
 */
export async function readListing(engine: Docker): Promise<{ model: EngineModel; listedAtNano: number }> {
  const info = (await engine.info()) as Info;
  const [containers, images, networks, volumes] = await Promise.all([
    engine.listContainers({ all: true }),
    engine.listImages(),
    engine.listNetworks(),
    engine.listVolumes(),
  ]);
  const [containerDetails, imageDetails, swarm] = await Promise.all([
    Promise.all(containers.map((c) => orNull(engine.getContainer(c.Id).inspect()))),
    Promise.all(images.map((i) => orNull(engine.getImage(i.Id).inspect()))),
    isManager(info) ? Promise.all([engine.listNodes(), engine.listServices(), engine.listTasks()]) : null,
  ]);
  const model = modelFromEngine({
    info,
    containers,
    containerDetails: containerDetails.filter((detail) => detail !== null),
    images,
    imageDetails: imageDetails.filter((detail) => detail !== null),
    networks,
    volumes,
    nodes: swarm?.[0],
    services: swarm?.[1],
    tasks: swarm?.[2],
  });
  return { model, listedAtNano: info.SystemTime ? engineTimeNano(info.SystemTime) : Number.NEGATIVE_INFINITY };
}

/** Reads one target again; `known` is the state now, whose images need no second inspection. */
export async function readTarget(engine: Docker, target: Target, known: EngineSnapshot | undefined): Promise<ReadResult> {
  switch (target.what) {
    case 'container': {
      const raw = await orNull(engine.getContainer(target.id).inspect());
      return { what: 'container', id: target.id, info: raw && containerFromEngine(raw) };
    }
    case 'network': {
      const raw: unknown = await orNull(engine.getNetwork(target.id).inspect());
      return { what: 'network', id: target.id, info: raw ? networkFromEngine(raw) : null };
    }
    case 'volume': {
      const raw: unknown = await orNull(engine.getVolume(target.id).inspect());
      return { what: 'volume', id: target.id, info: raw ? volumeFromEngine(raw) : null };
    }
    case 'images': {
      const images = await engine.listImages();
      const layered = new Set((known?.images ?? []).filter((image) => image.layers !== undefined).map((image) => image.id));
      const fresh = images.filter((image) => !layered.has(image.Id));
      const details = await Promise.all(fresh.map((image) => orNull(engine.getImage(image.Id).inspect())));
      return { what: 'images', images: imagesFromEngine(images, details.filter((detail) => detail !== null)) };
    }
    case 'membership':
      return { what: 'membership', ...swarmMembershipFromEngine(await engine.info()) };
    case 'swarm': {
      const info = (await engine.info()) as Info;
      const lists = isManager(info) ? await Promise.all([engine.listNodes(), engine.listServices(), engine.listTasks()]) : null;
      return { what: 'swarm', swarm: swarmFromEngine({ info, nodes: lists?.[0], services: lists?.[1], tasks: lists?.[2] }) };
    }
  }
}
