/**
 * Which container engine Slipway uses, in order: the one DOCKER_HOST names; else the
 * system's /var/run/docker.sock when it answers; else Slipway's own private engine.
 * The decision is pure (probing is passed in) so that it is unit-tested without Docker.
 */
export const SYSTEM_SOCKET = '/var/run/docker.sock';

export type EngineEndpoint =
  | { kind: 'docker-host'; host: string }
  | { kind: 'system-socket'; socketPath: string }
  | { kind: 'private'; socketPath: string };

export interface DiscoveryProbe {
  /** Whether an engine answers a ping at this socket path. */
  answers(socketPath: string): Promise<boolean>;
}

export async function chooseEngine(
  dockerHost: string | undefined,
  privateSocketPath: string,
  probe: DiscoveryProbe,
): Promise<EngineEndpoint> {
  // An explicit DOCKER_HOST is the operator's choice: use it even if it does not answer
  // yet, so the error says so instead of silently falling back to another engine.
  if (dockerHost) return { kind: 'docker-host', host: dockerHost };
  if (await probe.answers(SYSTEM_SOCKET)) return { kind: 'system-socket', socketPath: SYSTEM_SOCKET };
  return { kind: 'private', socketPath: privateSocketPath };
}

export function describeEndpoint(endpoint: EngineEndpoint): string {
  switch (endpoint.kind) {
    case 'docker-host':
      return `the engine at DOCKER_HOST=${endpoint.host}`;
    case 'system-socket':
      return `the system engine at ${endpoint.socketPath}`;
    case 'private':
      return `Slipway's private engine at ${endpoint.socketPath}`;
  }
}
