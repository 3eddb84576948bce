/**
 * What the explorer panel receives: a compact view of every node's engine, what the last
 * command changed, and a readable summary of one object. Zod schemas, so the browser
 * validates what it receives. Built from snapshots by `server/explorer/` (view.ts, diff.ts).
 *
 * Lists are sorted (by name, tagged images before untagged ones) so that the panel does not
 * jump about as objects change.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';

/** The 12 hex digits `docker ps` and `docker images` show. */
export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export const PortView = lazySchema(() =>
  z.object({
    containerPort: z.number().int(),
    protocol: z.string(),
    /** Absent when the port is only exposed, not published. */
    hostPort: z.number().int().optional(),
    hostIp: z.string().optional(),
  }),
);
export type PortView = z.infer<typeof PortView>;

export const MountView = lazySchema(() =>
  z.object({
    type: z.string(),
    /** The volume's name, for volume mounts. */
    name: z.string().optional(),
    /** The host path, for bind mounts only (a volume's path on the host is noise). */
    source: z.string().optional(),
    destination: z.string(),
    readOnly: z.boolean(),
  }),
);
export type MountView = z.infer<typeof MountView>;

export const ContainerStatus = lazySchema(() => z.enum(['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead']));
export type ContainerStatus = z.infer<typeof ContainerStatus>;

export const ContainerView = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    /** As the learner named it. */
    image: z.string(),
    imageId: z.string(),
    status: ContainerStatus,
    exitCode: z.number().int().optional(),
    ports: z.array(PortView),
    networks: z.array(z.string()),
    mounts: z.array(MountView),
  }),
);
export type ContainerView = z.infer<typeof ContainerView>;

export const ImageView = lazySchema(() =>
  z.object({
    id: z.string(),
    /** Empty for an untagged (dangling) image. */
    tags: z.array(z.string()),
    /** Bytes. */
    size: z.number(),
  }),
);
export type ImageView = z.infer<typeof ImageView>;

export const NetworkView = lazySchema(() => z.object({ id: z.string(), name: z.string(), driver: z.string(), containers: z.array(z.string()) }));
export type NetworkView = z.infer<typeof NetworkView>;

export const VolumeView = lazySchema(() => z.object({ name: z.string(), driver: z.string(), users: z.array(z.string()) }));
export type VolumeView = z.infer<typeof VolumeView>;

export const TaskView = lazySchema(() =>
  z.object({
    id: z.string(),
    /** The node's hostname, or its id when the node is unknown. */
    node: z.string().optional(),
    state: z.string(),
    desiredState: z.string(),
  }),
);
export type TaskView = z.infer<typeof TaskView>;

export const ServiceView = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    image: z.string(),
    mode: z.enum(['replicated', 'global']),
    replicas: z.number().int().optional(),
    /** Tasks running as they should, to show next to `replicas` ("2/3"). */
    running: z.number().int(),
    ports: z.array(PortView),
    networks: z.array(z.string()),
    /** Current tasks only: the swarm keeps a history of shut-down ones per slot. */
    tasks: z.array(TaskView),
  }),
);
export type ServiceView = z.infer<typeof ServiceView>;

export const SwarmView = lazySchema(() =>
  z.object({
    /** Only managers see nodes and services; on a worker both lists are empty. */
    manager: z.boolean(),
    nodes: z.array(
      z.object({ hostname: z.string(), role: z.enum(['manager', 'worker']), state: z.string(), availability: z.string(), leader: z.boolean() }),
    ),
    services: z.array(ServiceView),
  }),
);
export type SwarmView = z.infer<typeof SwarmView>;

export const NodeView = lazySchema(() =>
  z.object({
    /** The sandbox's name for the node (node1, node2, ...). */
    node: z.string(),
    containers: z.array(ContainerView),
    images: z.array(ImageView),
    networks: z.array(NetworkView),
    volumes: z.array(VolumeView),
    /** Present while the node is part of a swarm. */
    swarm: SwarmView.optional(),
  }),
);
export type NodeView = z.infer<typeof NodeView>;

export const ExplorerView = lazySchema(() => z.object({ nodes: z.array(NodeView) }));
export type ExplorerView = z.infer<typeof ExplorerView>;

// ---- what a command changed --------------------------------------------------------------

/** Ordered as things are built on one another: what a container needs comes before it. */
export const CHANGE_KINDS = ['image', 'network', 'volume', 'container', 'service'] as const;
export const CHANGE_OPS = ['+', '-', '~'] as const;

export const Change = lazySchema(() =>
  z.object({
    op: z.enum(CHANGE_OPS),
    kind: z.enum(CHANGE_KINDS),
    name: z.string(),
    detail: z.string().optional(),
  }),
);
export type Change = z.infer<typeof Change>;

// ---- the messages the panel is kept current by ------------------------------------------

/** The whole view: on attach and whenever a node's state settles on something new. */
export const ExplorerMessage = lazySchema(() =>
  z.object({
    type: z.literal('explorer'),
    view: ExplorerView,
    /** False while the view may miss changes (the engine's event stream is reconnecting). */
    live: z.boolean(),
  }),
);
/** What the learner's last command changed on `node`. */
export const ExplorerDiffMessage = lazySchema(() =>
  z.object({ type: z.literal('explorer-diff'), node: z.string(), changes: z.array(Change), summary: z.string() }),
);
/** Either: what a trainer watching the learner gets too, as the learner's page does. */
export const ExplorerUpdate = lazySchema(() => z.discriminatedUnion('type', [ExplorerMessage, ExplorerDiffMessage]));
export type ExplorerUpdate = z.infer<typeof ExplorerUpdate>;

// ---- one object, in words ----------------------------------------------------------------

export const OBJECT_KINDS = ['container', 'image', 'network', 'volume', 'service'] as const;
export const ObjectKind = lazySchema(() => z.enum(OBJECT_KINDS));
export type ObjectKind = z.infer<typeof ObjectKind>;

/** A readable summary of `docker inspect`: labelled lines first, the raw JSON last. */
export const DetailsView = lazySchema(() =>
  z.object({
    node: z.string(),
    kind: ObjectKind,
    id: z.string(),
    title: z.string(),
    fields: z.array(z.object({ label: z.string(), value: z.string() })),
    /** The inspect JSON, shortened when very long; absent when the object is gone. */
    raw: z.string().optional(),
    /** Set instead of fields when the object could not be read (removed meanwhile). */
    missing: z.boolean().optional(),
  }),
);
export type DetailsView = z.infer<typeof DetailsView>;

/** Where a published port opens through Slipway's reverse proxy. */
export const PREVIEW_PREFIX = '/preview';
export const previewPath = (node: string, hostPort: number) => `${PREVIEW_PREFIX}/${encodeURIComponent(node)}/${hostPort}/`;
