/**
 * The real engine for integration tests: SLIPWAY_TEST_DOCKER_HOST (unix:///path/docker.sock
 * or tcp://host:port), which `npm test` sets; tests using it skip without it.
 */
import Docker from 'dockerode';

export const TEST_DOCKER_HOST = process.env.SLIPWAY_TEST_DOCKER_HOST;

export function connectTestEngine(host: string = TEST_DOCKER_HOST!): Docker {
  const url = new URL(host);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  return new Docker({ host: url.hostname, port: Number(url.port) || 2375, protocol: 'http' });
}

/** SLIPWAY_TEST_IMAGE, else the newest slipway/sandbox image (built by setup), else slipway/base. */
export async function findSandboxImage(docker: Docker): Promise<string> {
  if (process.env.SLIPWAY_TEST_IMAGE) return process.env.SLIPWAY_TEST_IMAGE;
  const images = (await docker.listImages()).sort((a, b) => b.Created - a.Created);
  const tags = images.flatMap((image) => image.RepoTags ?? []);
  const tag = tags.find((name) => name.startsWith('slipway/sandbox')) ?? tags.find((name) => name.startsWith('slipway/base'));
  if (!tag) throw new Error('no slipway/sandbox or slipway/base image on the engine; set SLIPWAY_TEST_IMAGE');
  return tag;
}
