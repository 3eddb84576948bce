import { describe, expect, it } from 'vitest';
import { BUSY, FRESH } from './fixtures/snapshots';
import { explorerGraph } from './graph';
import { nodeView } from './view';

describe('explorerGraph', () => {
  it('groups containers by network and links images, volumes and ports', () => {
    const graph = explorerGraph(nodeView('node1', BUSY));
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
    expect(explorerGraph(nodeView('node1', FRESH))).toEqual({ nodes: [], edges: [] });
  });

  it('shows bind mounts as host paths and keeps a port bound to one address apart', () => {
    const [web] = BUSY.containers;
    const snapshot = {
      ...FRESH,
      containers: [
        {
          ...web!,
          networks: [],
          ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '127.0.0.1' }],
          mounts: [{ type: 'bind', source: '/home/learner/site', destination: '/usr/share/nginx/html', readOnly: true }],
        },
      ],
    };
    const graph = explorerGraph(nodeView('node1', snapshot));
    expect(graph.nodes.map((node) => [node.kind, node.label])).toEqual([
      ['container', 'web'],
      ['image', 'nginx'],
      ['host-path', '/home/learner/site'],
      ['port', '127.0.0.1:8080'],
    ]);
  });
});
