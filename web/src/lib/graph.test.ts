import { describe, expect, it } from 'vitest';
import { explorerGraph } from './graph';
import type { ContainerView, NodeView } from './protocol';

const network = (name: string, id: string, driver = 'bridge') => ({ id, name, driver, containers: [] });
/** A fresh engine: its three predefined networks and nothing else. */
const FRESH: NodeView = {
  node: 'node1',
  containers: [],
  images: [],
  networks: [network('bridge', '4d2c1b0a9f8e'), network('host', 'b7e3f0a9c8d1', 'host'), network('none', 'c8f4a1b0d9e2', 'null')],
  volumes: [],
};
const WEB: ContainerView = {
  id: '3f4e1c2b9a8d',
  name: 'web',
  image: 'nginx',
  imageId: 'a8758716bb6a',
  status: 'running',
  ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '0.0.0.0' }],
  networks: ['bridge'],
  mounts: [],
};
/** After `docker run -d --name web -p 8080:80 nginx` and a database on network app with volume data. */
const BUSY: NodeView = {
  ...FRESH,
  containers: [
    {
      id: 'b1a2c3d4e5f6',
      name: 'db',
      image: 'postgres:16',
      imageId: 'd57f9e4b3a2c',
      status: 'running',
      ports: [],
      networks: ['app'],
      mounts: [{ type: 'volume', name: 'data', destination: '/var/lib/postgresql/data', readOnly: false }],
    },
    WEB,
  ],
  images: [
    { id: 'a8758716bb6a', tags: ['nginx:latest'], size: 187_694_648 },
    { id: 'd57f9e4b3a2c', tags: ['postgres:16'], size: 431_000_000 },
  ],
  networks: [network('app', '7a1b2c3d4e5f'), ...FRESH.networks],
  volumes: [{ name: 'data', driver: 'local', users: [] }],
};

describe('explorerGraph', () => {
  it('groups containers by network and links images, volumes and ports', () => {
    const graph = explorerGraph(BUSY);
    expect(graph.nodes.map((node) => node.id)).toEqual([
      'network:app',
      'network:bridge',
      'image:a8758716bb6a',
      'image:d57f9e4b3a2c',
      'volume:data',
      'container:b1a2c3d4e5f6',
      'container:3f4e1c2b9a8d',
      'port:8080/tcp',
    ]);
    expect(graph.nodes.find((node) => node.id === 'container:b1a2c3d4e5f6')).toMatchObject({ label: 'db', groups: ['network:app'] });
    expect(graph.edges).toEqual([
      { from: 'container:b1a2c3d4e5f6', to: 'image:d57f9e4b3a2c', kind: 'runs' },
      { from: 'container:b1a2c3d4e5f6', to: 'volume:data', kind: 'mounts', label: '/var/lib/postgresql/data' },
      { from: 'container:3f4e1c2b9a8d', to: 'image:a8758716bb6a', kind: 'runs' },
      { from: 'port:8080/tcp', to: 'container:3f4e1c2b9a8d', kind: 'publishes', label: '80/tcp' },
    ]);
  });

  it('leaves out empty predefined networks', () => {
    expect(explorerGraph(FRESH)).toEqual({ nodes: [], edges: [] });
  });

  it('shows bind mounts as host paths and keeps a port bound to one address apart', () => {
    const view: NodeView = {
      ...FRESH,
      containers: [
        {
          ...WEB,
          networks: [],
          ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '127.0.0.1' }],
          mounts: [{ type: 'bind', source: '/home/learner/site', destination: '/usr/share/nginx/html', readOnly: true }],
        },
      ],
    };
    const graph = explorerGraph(view);
    expect(graph.nodes.map((node) => [node.kind, node.label])).toEqual([
      ['container', 'web'],
      ['image', 'nginx'],
      ['host-path', '/home/learner/site'],
      ['port', '127.0.0.1:8080'],
    ]);
  });
});
