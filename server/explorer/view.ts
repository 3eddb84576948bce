/**
 * What the server sends the browser's explorer panel: a compact view of every node's engine,
 * derived from snapshots. The schemas live in the shared protocol (server/protocol/explorer.ts).
 *
 * Lists are sorted (by name, tagged images before untagged ones) so that the panel does not
 * jump about as objects change.
 */
import type { EngineSnapshot, SandboxSnapshot, ServiceInfo } from '../engine-state/snapshot';
import { shortId, type ExplorerView, type NodeView, type ServiceView } from '../protocol/explorer';

export {
  ContainerView,
  ExplorerView,
  ImageView,
  MountView,
  NetworkView,
  NodeView,
  ServiceView,
  SwarmView,
  TaskView,
  VolumeView,
  shortId,
} from '../protocol/explorer';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => compare(a.name, b.name));

export function explorerView(snapshots: SandboxSnapshot): ExplorerView {
  return {
    nodes: Object.keys(snapshots)
      .sort(compare)
      .map((node) => nodeView(node, snapshots[node]!)),
  };
}

export function nodeView(node: string, snapshot: EngineSnapshot): NodeView {
  const view: NodeView = {
    node,
    containers: byName(snapshot.containers).map((c) => ({
      id: shortId(c.id),
      name: c.name,
      image: c.image,
      imageId: shortId(c.imageId),
      status: c.status,
      ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
      ports: c.ports,
      networks: [...c.networks].sort(compare),
      mounts: c.mounts.map((m) => ({
        type: m.type,
        ...(m.name ? { name: m.name } : {}),
        ...(m.type === 'bind' ? { source: m.source } : {}),
        destination: m.destination,
        readOnly: m.readOnly,
      })),
    })),
    images: snapshot.images
      .map((image) => ({ id: shortId(image.id), tags: [...image.repoTags].sort(compare), size: image.size }))
      .sort((a, b) => Number(a.tags.length === 0) - Number(b.tags.length === 0) || compare(a.tags[0] ?? a.id, b.tags[0] ?? b.id)),
    networks: byName(snapshot.networks).map((n) => ({ id: shortId(n.id), name: n.name, driver: n.driver, containers: [...n.containers].sort(compare) })),
    volumes: byName(snapshot.volumes).map((v) => ({ name: v.name, driver: v.driver, users: [...v.users].sort(compare) })),
  };
  if (!snapshot.swarm.active) return view;
  const hostnames = new Map(snapshot.swarm.nodes.map((n) => [n.id, n.hostname]));
  return {
    ...view,
    swarm: {
      manager: snapshot.swarm.manager,
      nodes: [...snapshot.swarm.nodes]
        .sort((a, b) => compare(a.hostname, b.hostname))
        .map(({ hostname, role, state, availability, leader }) => ({ hostname, role, state, availability, leader })),
      services: byName(snapshot.swarm.services).map((s) => serviceView(s, hostnames)),
    },
  };
}

function serviceView(service: ServiceInfo, hostnames: Map<string, string>): ServiceView {
  const current = service.tasks.filter((task) => task.desiredState !== 'shutdown' || task.state === 'running');
  return {
    id: shortId(service.id),
    name: service.name,
    image: service.image,
    mode: service.mode,
    ...(service.replicas === undefined ? {} : { replicas: service.replicas }),
    running: current.filter((task) => task.state === 'running' && task.desiredState === 'running').length,
    ports: service.ports,
    networks: service.networks,
    tasks: current.map((task) => ({
      id: shortId(task.id),
      ...(task.nodeId ? { node: hostnames.get(task.nodeId) ?? shortId(task.nodeId) } : {}),
      state: task.state,
      desiredState: task.desiredState,
    })),
  };
}
