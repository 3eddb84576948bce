/**
 * How an engine isolates its containers, read from `docker info`. Pure.
 */
import type { EngineEndpoint } from './discover';

export interface EngineIsolation {
  /** Containers run in user namespaces (dockerd --userns-remap). */
  userns: boolean;
  /** The host uid and gid a container's root maps to; null without a user namespace. */
  remappedRoot: { uid: number; gid: number } | null;
  /** The engine runs on this machine (a unix socket), so its host's cgroups are ours to prepare. */
  local: boolean;
}

interface EngineInfo {
  SecurityOptions?: string[] | null;
  DockerRootDir?: string;
}

export function isolationOf(info: EngineInfo, endpoint: EngineEndpoint): EngineIsolation {
  const userns = (info.SecurityOptions ?? []).some((option) => option.split(',').includes('name=userns'));
  // With --userns-remap, dockerd keeps its data under <data root>/<uid>.<gid>.
  const suffix = /\/(\d+)\.(\d+)\/?$/.exec(info.DockerRootDir ?? '');
  const remappedRoot = userns && suffix ? { uid: Number(suffix[1]), gid: Number(suffix[2]) } : null;
  const local = endpoint.kind !== 'docker-host' || endpoint.host.startsWith('unix://');
  return { userns, remappedRoot, local };
}
