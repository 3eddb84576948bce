import { describe, expect, it } from 'vitest';
import { chooseEngine, SYSTEM_SOCKET, type DiscoveryProbe } from './discover';

const probeAnswering = (...paths: string[]): DiscoveryProbe & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    async answers(socketPath) {
      asked.push(socketPath);
      return paths.includes(socketPath);
    },
  };
};

describe('chooseEngine', () => {
  it('uses DOCKER_HOST first, without probing anything', async () => {
    const probe = probeAnswering(SYSTEM_SOCKET);
    const endpoint = await chooseEngine('tcp://10.0.0.5:2375', '/state/engine/docker.sock', probe);
    expect(endpoint).toEqual({ kind: 'docker-host', host: 'tcp://10.0.0.5:2375' });
    expect(probe.asked).toEqual([]);
  });

  it('uses the system socket when it answers', async () => {
    const endpoint = await chooseEngine(undefined, '/state/engine/docker.sock', probeAnswering(SYSTEM_SOCKET));
    expect(endpoint).toEqual({ kind: 'system-socket', socketPath: SYSTEM_SOCKET });
  });

  it('falls back to the private engine when the system socket is silent', async () => {
    const probe = probeAnswering();
    const endpoint = await chooseEngine(undefined, '/state/engine/docker.sock', probe);
    expect(endpoint).toEqual({ kind: 'private', socketPath: '/state/engine/docker.sock' });
    expect(probe.asked).toEqual([SYSTEM_SOCKET]);
  });

  it('treats an empty DOCKER_HOST as unset', async () => {
    const endpoint = await chooseEngine('', '/p.sock', probeAnswering());
    expect(endpoint.kind).toBe('private');
  });
});
