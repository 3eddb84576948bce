/**
 * Builds an EngineSnapshot from Docker Engine API JSON. The raw shapes are validated leniently
 * (only the fields we read, all optional where the engine may omit or null them), because
 * engine versions differ and a missing field must not stop a check from running.
 */
import { z } from 'zod';
import { normalizeImageRef } from './image-ref';
import type { ContainerInfo, EngineSnapshot, PortBinding, ServiceInfo } from './snapshot';

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

/** An entry of GET /networks (or GET /networks/{id}, which fills Containers). */
const RawNetwork = z.object({
  Id: z.string(),
  Name: z.string(),
  Driver: z.string().nullish(),
  Containers: z.record(z.string(), z.object({ Name: z.string().nullish() })).nullish(),
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

/** Everything the runner fetched from one engine; detail lists may be partial or missing. */
export const RawEngineState = z.object({
  /** GET /info; only Swarm is read. */
  info: z
    .object({
      Swarm: z.object({ LocalNodeState: z.string().nullish(), ControlAvailable: z.boolean().nullish() }).nullish(),
    })
    .nullish(),
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
export type RawEngineState = z.input<typeof RawEngineState>;

type Summary = z.infer<typeof RawContainerSummary>;
type Inspect = z.infer<typeof RawContainerInspect>;

export function snapshotFromEngine(raw: unknown): EngineSnapshot {
  const result = RawEngineState.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`Unexpected Engine API data at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const state = result.data;
  const details = new Map((state.containerDetails ?? []).map((detail) => [detail.Id, detail]));
  const containers = state.containers.map((summary) => containerFrom(summary, details.get(summary.Id)));
  const idToName = new Map(containers.map((container) => [container.id, container.name]));
  const layers = new Map((state.imageDetails ?? []).map((image) => [image.Id, image.RootFS?.Layers?.length]));

  const networkNames = new Map(state.networks.map((network) => [network.Id, network.Name]));
  return {
    containers,
    images: state.images.map((image) => ({
      id: image.Id,
      repoTags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>').map(normalizeImageRef),
      labels: image.Labels ?? {},
      layers: layers.get(image.Id),
      size: image.Size ?? 0,
    })),
    networks: state.networks.map((network) => {
      const attached = new Set(containers.filter((c) => c.networks.includes(network.Name)).map((c) => c.name));
      for (const [id, endpoint] of Object.entries(network.Containers ?? {})) {
        const name = idToName.get(id) ?? endpoint.Name;
        if (name) attached.add(name);
      }
      return { id: network.Id, name: network.Name, driver: network.Driver ?? '', containers: [...attached] };
    }),
    volumes: (state.volumes.Volumes ?? []).map((volume) => ({
      name: volume.Name,
      driver: volume.Driver ?? 'local',
      // The volume API does not say who uses a volume; the containers' mounts do.
      users: containers.filter((c) => c.mounts.some((m) => m.type === 'volume' && m.name === volume.Name)).map((c) => c.name),
    })),
    swarm: {
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
      services: (state.services ?? []).map((service) => serviceFrom(service, state.tasks ?? [], networkNames)),
    },
  };
}

function containerFrom(summary: Summary, inspect: Inspect | undefined): ContainerInfo {
  const name = (inspect?.Name ?? summary.Names?.[0] ?? summary.Id.slice(0, 12)).replace(/^\//, '');
  const status = containerStatus(inspect?.State?.Status ?? summary.State);
  const exitText = /^Exited \((-?\d+)\)/.exec(summary.Status ?? '');
  const exitCode = inspect?.State?.ExitCode ?? (exitText ? Number(exitText[1]) : undefined);
  const restartPolicy = inspect?.HostConfig?.RestartPolicy?.Name;
  return {
    id: summary.Id,
    name,
    image: inspect?.Config?.Image ?? summary.Image ?? '',
    imageId: summary.ImageID ?? inspect?.Image ?? '',
    status,
    exitCode: status === 'exited' || status === 'dead' ? exitCode : undefined,
    ports: inspect?.NetworkSettings?.Ports ? portsFromInspect(inspect.NetworkSettings.Ports) : portsFromSummary(summary),
    networks: Object.keys(inspect?.NetworkSettings?.Networks ?? summary.NetworkSettings?.Networks ?? {}),
    mounts: (inspect?.Mounts ?? summary.Mounts ?? []).map((mount) => ({
      type: mount.Type ?? 'volume',
      name: mount.Name ?? undefined,
      source: mount.Source ?? '',
      destination: mount.Destination,
      readOnly: mount.RW === false,
    })),
    env: inspect?.Config?.Env ?? [],
    labels: inspect?.Config?.Labels ?? summary.Labels ?? {},
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

function serviceFrom(
  service: z.infer<typeof RawService>,
  tasks: z.infer<typeof RawTask>[],
  networkNames: Map<string, string>,
): ServiceInfo {
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
    networks: (spec.TaskTemplate?.Networks ?? []).map((network) => networkNames.get(network.Target) ?? network.Target),
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
