/**
 * How an engine isolates its containers, read from `docker info`. Pure.
 */
import { SlipwayError } from '../protocol';
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

/**
 * An engine without user namespaces makes every learner root on its host: refused, unless the
 * operator opted in, and then a warning to log. Null when the engine isolates.
 */
export function isolationWarning(isolation: EngineIsolation, description: string, allowUnisolated: boolean): string | null {
  if (isolation.userns) return null;
  const warning = `${description} does not run containers in user namespaces: a learner who is root in a sandbox is root on that engine's host`;
  if (!allowUnisolated) {
    throw new SlipwayError(
      'ENGINE_NOT_ISOLATED',
      `${warning}. Start dockerd with --userns-remap (see docs/SECURITY.md), let Slipway run its own engine (unset DOCKER_HOST), or accept the risk with SLIPWAY_ALLOW_UNISOLATED_ENGINE=1`,
    );
  }
  return `${warning} (allowed by SLIPWAY_ALLOW_UNISOLATED_ENGINE)`;
}
