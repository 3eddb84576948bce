import { describe, expect, it } from 'vitest';
import { containerFromEngine, imagesFromEngine, networkFromEngine, snapshotFromEngine, swarmMembershipFromEngine, volumeFromEngine } from './from-engine';
import { CONTAINER_INSPECT_SITE, CONTAINERS_JSON, IMAGE_INSPECT_NGINX, IMAGES_JSON, INFO_MANAGER, NETWORKS_JSON, RAW_ENGINE, VOLUMES_JSON } from './fixtures/engine-api';
import { EngineSnapshot } from './snapshot';

describe('snapshotFromEngine', () => {
  const snapshot = snapshotFromEngine(RAW_ENGINE);

  it('produces a valid snapshot', () => {
    expect(EngineSnapshot.safeParse(snapshot).success).toBe(true);
  });

  it('merges container list entries with their inspection', () => {
    const [site, hello] = snapshot.containers;
    expect(site).toEqual({
      id: CONTAINERS_JSON[0]!.Id,
      name: 'site',
      image: 'nginx',
      imageId: IMAGES_JSON[0]!.Id,
      status: 'running',
      exitCode: undefined,
      ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '0.0.0.0' }],
      networks: ['bridge'],
      mounts: [{ type: 'volume', name: 'sitedata', source: '/var/lib/docker/volumes/sitedata/_data', destination: '/data', readOnly: false }],
      env: expect.arrayContaining(['MODE=prod']),
      labels: expect.objectContaining({ tier: 'web' }),
      restartPolicy: 'unless-stopped',
    });
    // Without an inspection: the exit code comes from the status text, env is unknown.
    expect(hello).toMatchObject({ name: 'eager_turing', status: 'exited', exitCode: 0, env: [], restartPolicy: undefined });
  });

  it('maps images, networks and volumes', () => {
    expect(snapshot.images.map((image) => [image.repoTags, image.layers])).toEqual([
      [['nginx:latest'], 7],
      [['hello-world:latest'], undefined],
      [[], undefined],
    ]);
    expect(snapshot.networks.find((network) => network.name === 'bridge')?.containers).toEqual(['site', 'eager_turing']);
    expect(snapshot.volumes).toEqual([
      { name: 'sitedata', driver: 'local', users: ['site'] },
      { name: 'unused', driver: 'local', users: [] },
    ]);
  });

  it('maps the swarm as its manager sees it', () => {
    expect(snapshot.swarm).toMatchObject({ active: true, manager: true });
    expect(snapshot.swarm.nodes.map((node) => [node.hostname, node.role, node.leader])).toEqual([
      ['node1', 'manager', true],
      ['node2', 'worker', false],
    ]);
    expect(snapshot.swarm.services[0]).toMatchObject({
      name: 'search',
      image: 'nginx:latest',
      mode: 'replicated',
      replicas: 3,
      ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 9200 }],
      networks: ['appnet'],
      update: { parallelism: 2, delayMs: 5000 },
    });
    expect(snapshot.swarm.services[0]!.tasks).toHaveLength(4);
  });

  it('accepts an engine outside any swarm, with nothing but the lists', () => {
    const bare = snapshotFromEngine({ containers: [], images: [], networks: NETWORKS_JSON, volumes: { Volumes: null } });
    expect(bare.swarm).toEqual({ active: false, manager: false, nodes: [], services: [] });
    expect(bare.volumes).toEqual([]);
  });

  it('names the field when the engine sends something unexpected', () => {
    expect(() => snapshotFromEngine({ containers: [{ Names: ['/x'] }], images: [], networks: [], volumes: {} })).toThrow(
      /Unexpected Engine API data at containers\.0\.Id/,
    );
  });
});

describe('reading one object', () => {
  it('reads a container from its inspection alone, as a listing would', () => {
    const listed = snapshotFromEngine(RAW_ENGINE).containers[0];
    expect(containerFromEngine(CONTAINER_INSPECT_SITE)).toEqual(listed);
  });

  it('reads networks, volumes, images and the membership', () => {
    expect(networkFromEngine(NETWORKS_JSON[3])).toEqual({ id: 'net-app', name: 'appnet', driver: 'overlay', containers: [] });
    expect(volumeFromEngine(VOLUMES_JSON.Volumes[0])).toEqual({ name: 'sitedata', driver: 'local', users: [] });
    expect(imagesFromEngine(IMAGES_JSON, [IMAGE_INSPECT_NGINX]).map((image) => image.layers)).toEqual([7, undefined, undefined]);
    expect(swarmMembershipFromEngine(INFO_MANAGER)).toEqual({ active: true, manager: true });
    expect(swarmMembershipFromEngine({})).toEqual({ active: false, manager: false });
  });

  it('names the object when the engine sends something unexpected', () => {
    expect(() => containerFromEngine({ Name: '/x' })).toThrow(/Unexpected Engine API data at container\.Id/);
  });
});
