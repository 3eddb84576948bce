/**
 * What the server sends the browser's explorer panel: a compact view of every node's engine,
 * derived from snapshots. Zod schemas, so the browser validates what it receives; no Node
 * imports, so the browser can import this module.
 *
 * Lists are sorted (by name, tagged images before untagged ones) so that the panel does not
 * jump about as objects change.
 */
import { z } from 'zod';
import { ContainerInfo, PortBinding, type EngineSnapshot, type SandboxSnapshot, type ServiceInfo } from '../checks/snapshot';

/** The 12 hex digits `docker ps` and `docker images` show. */
export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export const MountView = z.object({
  type: z.string(),
  /** The volume's name, for volume mounts. */
  name: z.string().optional(),
  /** The host path, for bind mounts only (a volume's path on the host is noise). */
  source: z.string().optional(),
  destination: z.string(),
  readOnly: z.boolean(),
});
export type MountView = z.infer<typeof MountView>;

export const ContainerView = z.object({
  id: z.string(),
  name: z.string(),
  /** As the learner named it. */
  image: z.string(),
  imageId: z.string(),
  status: ContainerInfo.shape.status,
  exitCode: z.number().int().optional(),
  ports: z.array(PortBinding),
  networks: z.array(z.string()),
  mounts: z.array(MountView),
});
export type ContainerView = z.infer<typeof ContainerView>;

export const ImageView = z.object({
  id: z.string(),
  /** Empty for an untagged (dangling) image. */
  tags: z.array(z.string()),
  /** Bytes. */
  size: z.number(),
});
export type ImageView = z.infer<typeof ImageView>;

export const NetworkView = z.object({ id: z.string(), name: z.string(), driver: z.string(), containers: z.array(z.string()) });
export type NetworkView = z.infer<typeof NetworkView>;

export const VolumeView = z.object({ name: z.string(), driver: z.string(), users: z.array(z.string()) });
export type VolumeView = z.infer<typeof VolumeView>;

export const TaskView = z.object({
  id: z.string(),
  /** The node's hostname, or its id when the node is unknown. */
  node: z.string().optional(),
  state: z.string(),
  desiredState: z.string(),
});
export type TaskView = z.infer<typeof TaskView>;

export const ServiceView = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  mode: z.enum(['replicated', 'global']),
  replicas: z.number().int().optional(),
  /** Tasks running as they should, to show next to `replicas` ("2/3"). */
  running: z.number().int(),
  ports: z.array(PortBinding),
  networks: z.array(z.string()),
  /** Current tasks only: the swarm keeps a history of shut-down ones per slot. */
  tasks: z.array(TaskView),
});
export type ServiceView = z.infer<typeof ServiceView>;

export const SwarmView = z.object({
  /** Only managers see nodes and services; on a worker both lists are empty. */
  manager: z.boolean(),
  nodes: z.array(
    z.object({ hostname: z.string(), role: z.enum(['manager', 'worker']), state: z.string(), availability: z.string(), leader: z.boolean() }),
  ),
  services: z.array(ServiceView),
});
export type SwarmView = z.infer<typeof SwarmView>;

export const NodeView = z.object({
  /** The sandbox's name for the node (node1, node2, ...). */
  node: z.string(),
  containers: z.array(ContainerView),
  images: z.array(ImageView),
  networks: z.array(NetworkView),
  volumes: z.array(VolumeView),
  /** Present while the node is part of a swarm. */
  swarm: SwarmView.optional(),
});
export type NodeView = z.infer<typeof NodeView>;

export const ExplorerView = z.object({ nodes: z.array(NodeView) });
export type ExplorerView = z.infer<typeof ExplorerView>;

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
