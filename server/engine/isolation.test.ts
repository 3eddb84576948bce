import { describe, expect, it } from 'vitest';
import { isolationOf, isolationWarning } from './isolation';

describe('isolationOf', () => {
  const local = { kind: 'private' as const, socketPath: '/state/engine/docker.sock' };

  it('finds the user namespace and the root it maps to', () => {
    expect(isolationOf({ SecurityOptions: ['name=seccomp,profile=default', 'name=userns'], DockerRootDir: '/d/524288.524288' }, local)).toEqual({
      userns: true,
      remappedRoot: { uid: 524288, gid: 524288 },
      local: true,
    });
  });

  it('reports an engine without one', () => {
    expect(isolationOf({ SecurityOptions: ['name=seccomp,profile=default'], DockerRootDir: '/var/lib/docker' }, local)).toEqual({ userns: false, remappedRoot: null, local: true });
  });

  it('counts a TCP DOCKER_HOST as remote', () => {
    expect(isolationOf({ SecurityOptions: [] }, { kind: 'docker-host', host: 'tcp://10.1.2.3:2376' }).local).toBe(false);
    expect(isolationOf({ SecurityOptions: [] }, { kind: 'docker-host', host: 'unix:///run/docker.sock' }).local).toBe(true);
  });
});

describe('isolationWarning', () => {
  const bare = { userns: false, remappedRoot: null, local: true };
  it('refuses an engine without user namespaces, naming the way out', () => {
    expect(() => isolationWarning(bare, 'the system engine', false)).toThrow(/SLIPWAY_ALLOW_UNISOLATED_ENGINE=1/);
    try {
      isolationWarning(bare, 'the system engine', false);
    } catch (error) {
      expect((error as { code: string }).code).toBe('ENGINE_NOT_ISOLATED');
    }
  });
  it('warns instead when the operator opted in, and says nothing for an isolating engine', () => {
    expect(isolationWarning(bare, 'the system engine', true)).toMatch(/root on that engine's host/);
    expect(isolationWarning({ ...bare, userns: true }, 'x', false)).toBeNull();
  });
});
