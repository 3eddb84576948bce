/**
 * Reads one engine's whole state (the I/O half of `snapshotFromEngine`): lists first, then
 * the details that lists lack, all in parallel.
 */
import type Docker from 'dockerode';
import { snapshotFromEngine } from './engine';
import type { EngineSnapshot } from './snapshot';

export async function collectSnapshot(engine: Docker): Promise<EngineSnapshot> {
  const [info, containers, images, networks, volumes] = await Promise.all([
    engine.info() as Promise<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }>,
    engine.listContainers({ all: true }),
    engine.listImages(),
    engine.listNetworks(),
    engine.listVolumes(),
  ]);
  const manager = info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
  const [containerDetails, imageDetails, swarm] = await Promise.all([
    Promise.all(containers.map((c) => engine.getContainer(c.Id).inspect().catch(() => null))),
    Promise.all(images.map((i) => engine.getImage(i.Id).inspect().catch(() => null))),
    manager
      ? Promise.all([engine.listNodes(), engine.listServices(), engine.listTasks()])
      : Promise.resolve(null),
  ]);
  return snapshotFromEngine({
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
}
