/**
 * Opens the engine Slipway uses (see discover.ts), starting the private one if needed.
 */
import Docker from 'dockerode';
import { SlipwayError } from '../protocol';
import { chooseEngine, describeEndpoint, type EngineEndpoint } from './discover';
import { privateEnginePaths, startPrivateEngine } from './private-engine';

export interface Engine {
  docker: Docker;
  endpoint: EngineEndpoint;
  description: string;
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

export async function connectEngine(
  options: { dockerHost: string | undefined; stateDir: string },
  log: (line: string) => void = () => {},
): Promise<Engine> {
  const paths = privateEnginePaths(options.stateDir);
  const endpoint = await chooseEngine(options.dockerHost, paths.socketPath, {
    answers: (socketPath) => pings(new Docker({ socketPath })),
  });
  const docker = dockerFor(endpoint);
  const description = describeEndpoint(endpoint);
  if (endpoint.kind === 'private') {
    const { started } = await startPrivateEngine(paths, () => pings(docker));
    log(started ? `started ${description}` : `using ${description} (already running)`);
  } else if (!(await pings(docker))) {
    throw new SlipwayError('ENGINE_UNAVAILABLE', `${description} does not answer`);
  } else {
    log(`using ${description}`);
  }
  return { docker, endpoint, description };
}
