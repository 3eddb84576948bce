/**
 * The graph view of one node: networks are groups that containers sit in (a container on two
 * networks sits in both), and edges lead from a container to the image it runs and the
 * volumes and host paths it mounts, and from each published port to its container.
 * Pure data; ExplorerGraph.svelte lays it out.
 */
import type { NodeView } from './protocol';

export type GraphNode =
  | { id: string; kind: 'network'; label: string; driver: string }
  | { id: string; kind: 'container'; label: string; status: string; groups: string[] }
  | { id: string; kind: 'image'; label: string }
  | { id: string; kind: 'volume'; label: string }
  | { id: string; kind: 'host-path'; label: string }
  | { id: string; kind: 'port'; label: string };

export type GraphEdge = {
  from: string;
  to: string;
  kind: 'runs' | 'mounts' | 'publishes';
  /** Where a mount lands in the container, for example. */
  label?: string;
};

export type Graph = { nodes: GraphNode[]; edges: GraphEdge[] };

/** Networks that exist on every engine; shown only when something is on them. */
const PREDEFINED_NETWORKS = new Set(['bridge', 'host', 'none']);

export function explorerGraph(view: NodeView): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (node: GraphNode) => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
  };

  const inUse = new Set(view.containers.flatMap((container) => container.networks));
  for (const network of view.networks) {
    if (inUse.has(network.name) || !PREDEFINED_NETWORKS.has(network.name)) {
      add({ id: `network:${network.name}`, kind: 'network', label: network.name, driver: network.driver });
    }
  }
  // Untagged images that nothing runs are clutter; images in use always appear.
  for (const image of view.images) {
    if (image.tags.length > 0) add({ id: `image:${image.id}`, kind: 'image', label: image.tags.join(', ') });
  }
  for (const volume of view.volumes) add({ id: `volume:${volume.name}`, kind: 'volume', label: volume.name });

  for (const container of view.containers) {
    const id = `container:${container.id}`;
    const groups = container.networks.map((name) => `network:${name}`).filter((group) => nodes.has(group));
    add({ id, kind: 'container', label: container.name, status: container.status, groups });

    const image = `image:${container.imageId}`;
    add({ id: image, kind: 'image', label: container.image });
    edges.push({ from: id, to: image, kind: 'runs' });

    for (const mount of container.mounts) {
      const target =
        mount.type === 'volume' && mount.name
          ? { id: `volume:${mount.name}`, kind: 'volume' as const, label: mount.name }
          : mount.type === 'bind' && mount.source
            ? { id: `host-path:${mount.source}`, kind: 'host-path' as const, label: mount.source }
            : undefined;
      if (!target) continue;
      add(target);
      edges.push({ from: id, to: target.id, kind: 'mounts', label: mount.destination });
    }

    for (const port of container.ports) {
      if (port.hostPort === undefined) continue;
      const host = port.hostIp && port.hostIp !== '0.0.0.0' && port.hostIp !== '::' ? `${port.hostIp}:` : '';
      const portId = `port:${host}${port.hostPort}/${port.protocol}`;
      add({ id: portId, kind: 'port', label: `${host}${port.hostPort}` });
      edges.push({ from: portId, to: id, kind: 'publishes', label: `${port.containerPort}/${port.protocol}` });
    }
  }
  return { nodes: [...nodes.values()], edges };
}
