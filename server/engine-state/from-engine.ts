/**
 * Reads the model's objects from Docker Engine API JSON: a whole listing, or the one object an
 * event touched. The raw shapes are validated leniently (only the fields read, all optional
 * where the engine may omit or null them), because engine versions differ and a missing field
 * must not stop a check from running. Pure: the follower (reads.ts) fetches the JSON.
 */
import { z } from 'zod';
import { normalizeImageRef } from './image-ref';
import { snapshotOf, type EngineModel, type ServiceRecord, type SwarmRecord } from './model';
import type { ContainerInfo, EngineSnapshot, ImageInfo, NetworkInfo, PortBinding, VolumeInfo } from './snapshot';

const labels = z.record(z.string(), z.string()).nullish();
const networksMap = z.record(z.string(), z.unknown()).nullish();

const RawMount = z.object({
  Type: z.string().nullish(),
  Name: z.string().nullish(),
  Source: z.string().nullish(),
  Destination: z.string(),
  RW: z.boolean().nullish(),
});

/** An entry of GET /containers/json?all=1. */
const RawContainerSummary = z.object({
  Id: z.string(),
  Names: z.array(z.string()).nullish(),
  Image: z.string().nullish(),
  ImageID: z.string().nullish(),
  State: z.string().nullish(),
  Status: z.string().nullish(),
  Ports: z
    .array(z.object({ IP: z.string().nullish(), PrivatePort: z.number(), PublicPort: z.number().nullish(), Type: z.string() }))
    .nullish(),
  Labels: labels,
  NetworkSettings: z.object({ Networks: networksMap }).nullish(),
  Mounts: z.array(RawMount).nullish(),
});

/** GET /containers/{id}/json. */
const RawContainerInspect = z.object({
  Id: z.string(),
  Name: z.string().nullish(),
  Image: z.string().nullish(),
  State: z.object({ Status: z.string().nullish(), ExitCode: z.number().nullish() }).nullish(),
  Config: z.object({ Image: z.string().nullish(), Env: z.array(z.string()).nullish(), Labels: labels }).nullish(),
  HostConfig: z.object({ RestartPolicy: z.object({ Name: z.string().nullish() }).nullish() }).nullish(),
  NetworkSettings: z
    .object({
      Ports: z.record(z.string(), z.array(z.object({ HostIp: z.string().nullish(), HostPort: z.string() })).nullish()).nullish(),
      Networks: networksMap,
    })
    .nullish(),
  Mounts: z.array(RawMount).nullish(),
});

/** An entry of GET /images/json. */
const RawImageSummary = z.object({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullish(),
  Labels: labels,
  Size: z.number().nullish(),
});

/** GET /images/{name}/json: only the layer list is not in the summary. */
const RawImageInspect = z.object({
  Id: z.string(),
  RootFS: z.object({ Layers: z.array(z.string()).nullish() }).nullish(),
});

/** An entry of GET /networks, or GET /networks/{id}. */
const RawNetwork = z.object({
  Id: z.string(),
  Name: z.string(),
  Driver: z.string().nullish(),
});

const RawVolume = z.object({ Name: z.string(), Driver: z.string().nullish() });

const RawNode = z.object({
  ID: z.string(),
  Description: z.object({ Hostname: z.string().nullish() }).nullish(),
  Spec: z.object({ Role: z.string().nullish(), Availability: z.string().nullish() }).nullish(),
  Status: z.object({ State: z.string().nullish() }).nullish(),
  ManagerStatus: z.object({ Leader: z.boolean().nullish() }).nullish(),
});

const RawServicePort = z.object({
  Protocol: z.string().nullish(),
  TargetPort: z.number(),
  PublishedPort: z.number().nullish(),
});

const RawService = z.object({
  ID: z.string(),
  Spec: z.object({
    Name: z.string(),
    Mode: z
      .object({ Replicated: z.object({ Replicas: z.number().nullish() }).nullish(), Global: z.object({}).nullish() })
      .nullish(),
    TaskTemplate: z
      .object({
        ContainerSpec: z.object({ Image: z.string().nullish() }).nullish(),
        Networks: z.array(z.object({ Target: z.string() })).nullish(),
      })
      .nullish(),
    UpdateConfig: z.object({ Parallelism: z.number().nullish(), Delay: z.number().nullish() }).nullish(),
    EndpointSpec: z.object({ Ports: z.array(RawServicePort).nullish() }).nullish(),
  }),
  Endpoint: z.object({ Ports: z.array(RawServicePort).nullish() }).nullish(),
  /** Absent until the service's first update. */
  UpdateStatus: z.object({ State: z.string().nullish(), Message: z.string().nullish() }).nullish(),
});

const RawTask = z.object({
  ID: z.string(),
  ServiceID: z.string(),
  NodeID: z.string().nullish(),
  Status: z.object({ State: z.string().nullish() }).nullish(),
  DesiredState: z.string().nullish(),
});

/** GET /info; only Swarm is read. */
const RawInfo = z.object({
  Swarm: z.object({ LocalNodeState: z.string().nullish(), ControlAvailable: z.boolean().nullish() }).nullish(),
});

/** A whole listing of one engine; detail lists may be partial (an object removed meanwhile) or missing. */
const RawEngineState = z.object({
  info: RawInfo.nullish(),
  containers: z.array(RawContainerSummary),
  /** GET /containers/{id}/json for each container; adds exit code, env and restart policy. */
  containerDetails: z.array(RawContainerInspect).nullish(),
  images: z.array(RawImageSummary),
  imageDetails: z.array(RawImageInspect).nullish(),
  networks: z.array(RawNetwork),
  /** GET /volumes as returned: `{ Volumes: [...], Warnings }`. */
  volumes: z.object({ Volumes: z.array(RawVolume).nullish() }),
  /** GET /nodes, /services and /tasks: managers only. */
  nodes: z.array(RawNode).nullish(),
  services: z.array(RawService).nullish(),
  tasks: z.array(RawTask).nullish(),
});

/** What the swarm's lists hold, as GET /info, /nodes, /services and /tasks return them. */
const RawSwarm = RawEngineState.pick({ info: true, nodes: true, services: true, tasks: true });

type Summary = z.infer<typeof RawContainerSummary>;
type Inspect = z.infer<typeof RawContainerInspect>;

function parse<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [what, ...issue.path].filter((part) => part !== '').join('.');
  throw new Error(`Unexpected Engine API data at ${path || '(root)'}: ${issue.message}`);
}

/** The snapshot of a whole listing, in one step. */
export const snapshotFromEngine = (raw: unknown): EngineSnapshot => snapshotOf(modelFromEngine(raw));

/** A whole listing. */
export function modelFromEngine(raw: unknown): EngineModel {
  const state = parse(RawEngineState, raw, '');
  const details = new Map((state.containerDetails ?? []).map((detail) => [detail.Id, detail]));
  return {
    containers: state.containers.map((summary) => containerFrom(summary, details.get(summary.Id))),
    images: imagesFrom(state.images, state.imageDetails ?? []),
    networks: state.networks.map(networkFrom),
    volumes: (state.volumes.Volumes ?? []).map(volumeFrom),
    swarm: swarmFrom(state),
  };
}

/** GET /containers/{id}/json, which says all a listing's summary does and more. */
export const containerFromEngine = (inspect: unknown): ContainerInfo => containerFrom(undefined, parse(RawContainerInspect, inspect, 'container'));

/** GET /networks/{id}. */
export const networkFromEngine = (raw: unknown): NetworkInfo => networkFrom(parse(RawNetwork, raw, 'network'));

/** GET /volumes/{name}. */
export const volumeFromEngine = (raw: unknown): VolumeInfo => volumeFrom(parse(RawVolume, raw, 'volume'));

/** GET /images/json, with GET /images/{id}/json of those whose layers are wanted. */
export const imagesFromEngine = (summaries: unknown, details: unknown[]): ImageInfo[] =>
  imagesFrom(parse(z.array(RawImageSummary), summaries, 'images'), parse(z.array(RawImageInspect), details, 'imageDetails'));

/** GET /info alone: whether the engine is in a swarm, and a manager of it. */
export function swarmMembershipFromEngine(info: unknown): Pick<SwarmRecord, 'active' | 'manager'> {
  const swarm = parse(RawInfo, info, 'info').Swarm;
  return { active: swarm?.LocalNodeState === 'active', manager: swarm?.ControlAvailable === true };
}

/** GET /info and, on a manager, the swarm's lists. */
export const swarmFromEngine = (raw: { info: unknown; nodes?: unknown; services?: unknown; tasks?: unknown }): SwarmRecord =>
  swarmFrom(parse(RawSwarm, raw, ''));

function imagesFrom(summaries: z.infer<typeof RawImageSummary>[], details: z.infer<typeof RawImageInspect>[]): ImageInfo[] {
  const layers = new Map(details.map((image) => [image.Id, image.RootFS?.Layers?.length]));
  return summaries.map((image) => ({
    id: image.Id,
    repoTags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>').map(normalizeImageRef),
    labels: image.Labels ?? {},
    layers: layers.get(image.Id),
    size: image.Size ?? 0,
  }));
}

/** Who is attached is derived from the containers (model.ts), as a network's own list includes endpoints no learner made. */
const networkFrom = (network: z.infer<typeof RawNetwork>): NetworkInfo => ({
  id: network.Id,
  name: network.Name,
  driver: network.Driver ?? '',
  containers: [],
});

/** The volume API does not say who uses a volume; the containers' mounts do (model.ts). */
const volumeFrom = (volume: z.infer<typeof RawVolume>): VolumeInfo => ({ name: volume.Name, driver: volume.Driver ?? 'local', users: [] });

function swarmFrom(state: z.infer<typeof RawSwarm>): SwarmRecord {
  return {
    active: state.info?.Swarm?.LocalNodeState === 'active',
    manager: state.info?.Swarm?.ControlAvailable === true,
    nodes: (state.nodes ?? []).map((node) => ({
      id: node.ID,
      hostname: node.Description?.Hostname ?? node.ID,
      role: node.Spec?.Role === 'manager' ? 'manager' : 'worker',
      availability: node.Spec?.Availability ?? 'active',
      state: node.Status?.State ?? 'unknown',
      leader: node.ManagerStatus?.Leader === true,
    })),
    services: (state.services ?? []).map((service) => serviceFrom(service, state.tasks ?? [])),
  };
}

/** Either half may be missing: a listing's summary without its inspection, or an inspection alone. */
function containerFrom(summary: Summary | undefined, inspect: Inspect | undefined): ContainerInfo {
  const id = inspect?.Id ?? summary!.Id;
  const name = (inspect?.Name ?? summary?.Names?.[0] ?? id.slice(0, 12)).replace(/^\//, '');
  const status = containerStatus(inspect?.State?.Status ?? summary?.State);
  const exitText = /^Exited \((-?\d+)\)/.exec(summary?.Status ?? '');
  const exitCode = inspect?.State?.ExitCode ?? (exitText ? Number(exitText[1]) : undefined);
  const restartPolicy = inspect?.HostConfig?.RestartPolicy?.Name;
  return {
    id,
    name,
    image: inspect?.Config?.Image ?? summary?.Image ?? '',
    imageId: summary?.ImageID ?? inspect?.Image ?? '',
    status,
    exitCode: status === 'exited' || status === 'dead' ? exitCode : undefined,
    ports: inspect?.NetworkSettings?.Ports ? portsFromInspect(inspect.NetworkSettings.Ports) : summary ? portsFromSummary(summary) : [],
    networks: Object.keys(inspect?.NetworkSettings?.Networks ?? summary?.NetworkSettings?.Networks ?? {}),
    mounts: (inspect?.Mounts ?? summary?.Mounts ?? []).map((mount) => ({
      type: mount.Type ?? 'volume',
      name: mount.Name ?? undefined,
      source: mount.Source ?? '',
      destination: mount.Destination,
      readOnly: mount.RW === false,
    })),
    env: inspect?.Config?.Env ?? [],
    labels: inspect?.Config?.Labels ?? summary?.Labels ?? {},
    // The engine reports "" for containers created without --restart.
    restartPolicy: restartPolicy === undefined || restartPolicy === null ? undefined : restartPolicy || 'no',
  };
}
const STATUSES = ['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead'] as const;

function containerStatus(value: string | null | undefined): ContainerInfo['status'] {
  return STATUSES.find((status) => status === value) ?? 'dead';
}

/** IPv4 and IPv6 bindings of one port are one port to a learner. */
function uniquePorts(ports: PortBinding[]): PortBinding[] {
  const seen = new Map<string, PortBinding>();
  for (const port of ports) {
    const key = `${port.hostPort ?? ''}->${port.containerPort}/${port.protocol}`;
    if (!seen.has(key)) seen.set(key, port);
  }
  return [...seen.values()];
}

function portsFromSummary(summary: Summary): PortBinding[] {
  return uniquePorts(
    (summary.Ports ?? []).map((port) => ({
      containerPort: port.PrivatePort,
      protocol: port.Type,
      hostPort: port.PublicPort ?? undefined,
      hostIp: port.IP ?? undefined,
    })),
  );
}

function portsFromInspect(ports: Record<string, { HostIp?: string | null; HostPort: string }[] | null | undefined>): PortBinding[] {
  const result: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const [port, protocol = 'tcp'] = key.split('/');
    const containerPort = Number(port);
    if (!bindings || bindings.length === 0) result.push({ containerPort, protocol });
    for (const binding of bindings ?? []) {
      result.push({ containerPort, protocol, hostPort: Number(binding.HostPort), hostIp: binding.HostIp ?? undefined });
    }
  }
  return uniquePorts(result);
}

function serviceFrom(service: z.infer<typeof RawService>, tasks: z.infer<typeof RawTask>[]): ServiceRecord {
  const spec = service.Spec;
  const ports = service.Endpoint?.Ports ?? spec.EndpointSpec?.Ports ?? [];
  return {
    id: service.ID,
    name: spec.Name,
    image: normalizeImageRef(spec.TaskTemplate?.ContainerSpec?.Image ?? ''),
    mode: spec.Mode?.Global ? 'global' : 'replicated',
    replicas: spec.Mode?.Global ? undefined : (spec.Mode?.Replicated?.Replicas ?? 1),
    ports: ports.map((port) => ({
      containerPort: port.TargetPort,
      protocol: port.Protocol ?? 'tcp',
      hostPort: port.PublishedPort ?? undefined,
    })),
    networkIds: (spec.TaskTemplate?.Networks ?? []).map((network) => network.Target),
    update: {
      parallelism: spec.UpdateConfig?.Parallelism ?? undefined,
      // The API counts the delay in nanoseconds.
      delayMs: spec.UpdateConfig?.Delay == null ? undefined : spec.UpdateConfig.Delay / 1e6,
      state: service.UpdateStatus?.State ?? undefined,
      message: service.UpdateStatus?.Message ?? undefined,
    },
    tasks: tasks
      .filter((task) => task.ServiceID === service.ID)
      .map((task) => ({
        id: task.ID,
        nodeId: task.NodeID ?? undefined,
        state: task.Status?.State ?? 'unknown',
        desiredState: task.DesiredState ?? 'unknown',
      })),
  };
}
