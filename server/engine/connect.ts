/**
 * Opens the engine Slipway uses (see discover.ts), starting the private one if needed, and
 * finds out how it isolates: an engine whose containers are not in a user namespace makes
 * every learner root on its host, so Slipway refuses it unless the operator opts in.
 */
import Docker from 'dockerode';
import { SlipwayError } from '../protocol';
import { chooseEngine, describeEndpoint, type EngineEndpoint } from './discover';
import { installEgressPolicy, type EgressMode } from './egress';
import { preparePrivateEngineHost, privateEnginePaths, startPrivateEngine, type PrivateEngineLayout, type PrivateEngineSettings } from './private-engine';
import { isolationOf, isolationWarning, type EngineIsolation } from './isolation';

export interface Engine {
  docker: Docker;
  endpoint: EngineEndpoint;
  description: string;
  isolation: EngineIsolation;
  /** Set for Slipway's private engine: its bridges, address range and id mapping. */
  layout: PrivateEngineLayout | null;
}

export interface EngineOptions extends PrivateEngineSettings {
  dockerHost: string | undefined;
  stateDir: string;
  egress?: EgressMode;
  /** SLIPWAY_ALLOW_UNISOLATED_ENGINE: use an engine without user namespaces anyway. */
  allowUnisolated?: boolean;
}

export function dockerFor(endpoint: EngineEndpoint): Docker {
  // dockerode reads DOCKER_HOST (and DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) itself.
  return endpoint.kind === 'docker-host' ? new Docker() : new Docker({ socketPath: endpoint.socketPath });
}

export async function pings(docker: Docker): Promise<boolean> {
  try {
    // dockerode accepts an abort signal here, but its typings do not declare the argument.
    const ping = docker.ping.bind(docker) as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    await ping({ abortSignal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

export async function connectEngine(options: EngineOptions, log: (line: string) => void = () => {}): Promise<Engine> {
  const paths = privateEnginePaths(options.stateDir);
  const endpoint = await chooseEngine(options.dockerHost, paths.socketPath, {
    answers: (socketPath) => pings(new Docker({ socketPath })),
  });
  const docker = dockerFor(endpoint);
  const description = describeEndpoint(endpoint);
  let layout: PrivateEngineLayout | null = null;
  if (endpoint.kind === 'private') {
    layout = preparePrivateEngineHost(paths, options, log);
    const { started } = await startPrivateEngine(paths, layout, () => pings(docker));
    log(started ? `started ${description}` : `using ${description} (already running)`);
    installEgressPolicy(layout.engineId, options.egress ?? 'internet', log);
  } else if (!(await pings(docker))) {
    throw new SlipwayError('ENGINE_UNAVAILABLE', `${description} does not answer`);
  } else {
    log(`using ${description}`);
  }
  const isolation = isolationOf(await docker.info(), endpoint);
  const warning = isolationWarning(isolation, description, options.allowUnisolated ?? false);
  if (warning) log(`WARNING: ${warning}`);
  return { docker, endpoint, description, isolation, layout };
}
