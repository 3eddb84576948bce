/**
 * One Docker engine's objects at one moment, reduced to the facts lessons check and the
 * explorer shows. Plain data (zod schemas, so a snapshot can be validated wherever it goes);
 * `from-engine.ts` reads it from Engine API JSON, `model.ts` keeps it current.
 */
import { z } from 'zod';
import { ContainerStatus, PortView } from '../protocol/explorer';

/** A port as a snapshot holds it is a port as the explorer shows it. */
export const PortBinding = PortView;
export type PortBinding = PortView;

export const MountInfo = z.object({
  type: z.string(),
  /** The volume's name, for volume mounts. */
  name: z.string().optional(),
  source: z.string(),
  destination: z.string(),
  readOnly: z.boolean(),
});
export type MountInfo = z.infer<typeof MountInfo>;

export const ContainerInfo = z.object({
  id: z.string(),
  name: z.string(),
  /** The image as the learner named it (`nginx`, `nginx:1.27`), or an id when run by id. */
  image: z.string(),
  imageId: z.string(),
  status: ContainerStatus,
  /** Meaningful once the container has exited. */
  exitCode: z.number().int().optional(),
  ports: z.array(PortBinding),
  networks: z.array(z.string()),
  mounts: z.array(MountInfo),
  /** "KEY=value" entries; unknown (empty) when only the container list was available. */
  env: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  restartPolicy: z.string().optional(),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

export const ImageInfo = z.object({
  id: z.string(),
  /** Normalized "repository:tag" (`nginx:latest`, never `docker.io/library/...`). */
  repoTags: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  /** Unknown when the image was not inspected. */
  layers: z.number().int().optional(),
  size: z.number(),
});
export type ImageInfo = z.infer<typeof ImageInfo>;

export const NetworkInfo = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string(),
  /** Names of attached containers. */
  containers: z.array(z.string()),
});
export type NetworkInfo = z.infer<typeof NetworkInfo>;

export const VolumeInfo = z.object({
  name: z.string(),
  driver: z.string(),
  /** Names of containers (running or not) that mount it. */
  users: z.array(z.string()),
});
export type VolumeInfo = z.infer<typeof VolumeInfo>;

export const SwarmNodeInfo = z.object({
  id: z.string(),
  hostname: z.string(),
  role: z.enum(['manager', 'worker']),
  availability: z.string(),
  state: z.string(),
  leader: z.boolean(),
});
export type SwarmNodeInfo = z.infer<typeof SwarmNodeInfo>;

export const TaskInfo = z.object({
  id: z.string(),
  nodeId: z.string().optional(),
  state: z.string(),
  desiredState: z.string(),
});
export type TaskInfo = z.infer<typeof TaskInfo>;

export const ServiceInfo = z.object({
  id: z.string(),
  name: z.string(),
  /** Without the @sha256 digest the engine pins. */
  image: z.string(),
  mode: z.enum(['replicated', 'global']),
  /** Desired replicas, for replicated services. */
  replicas: z.number().int().optional(),
  ports: z.array(PortBinding),
  networks: z.array(z.string()),
  update: z.object({
    parallelism: z.number().int().optional(),
    delayMs: z.number().optional(),
    /** The last update's progress (`updating`, `completed`, `paused`, `rollback_completed`, ...); absent before the first. */
    state: z.string().optional(),
    /** The engine's words about it ("update completed", or why it paused). */
    message: z.string().optional(),
  }),
  tasks: z.array(TaskInfo),
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;

export const SwarmInfo = z.object({
  /** This engine is part of a swarm (LocalNodeState "active"). */
  active: z.boolean(),
  /** Only managers can list nodes and services; workers see empty lists. */
  manager: z.boolean(),
  nodes: z.array(SwarmNodeInfo),
  services: z.array(ServiceInfo),
});
export type SwarmInfo = z.infer<typeof SwarmInfo>;

export const EngineSnapshot = z.object({
  containers: z.array(ContainerInfo),
  images: z.array(ImageInfo),
  networks: z.array(NetworkInfo),
  volumes: z.array(VolumeInfo),
  swarm: SwarmInfo,
});
export type EngineSnapshot = z.infer<typeof EngineSnapshot>;

/** Snapshots of every node of a sandbox, by node name (node1, node2, ...). */
export type SandboxSnapshot = Record<string, EngineSnapshot>;
