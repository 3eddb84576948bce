import { describe, expect, it } from 'vitest';
import {
  changeLabel,
  checkLabel,
  checksAbout,
  clusters,
  failingChecks,
  formatSize,
  portHref,
  previewablePorts,
  removedNames,
  replicasLabel,
  servicePortLinks,
  swarmNote,
  tasksByNode,
  unpublishedPorts,
} from './explorer-model';
import { en } from './i18n/en';
import { zh } from './i18n/zh';
import type { NodeView, ServiceView, SwarmView } from './protocol';

describe('explorer model', () => {
  it('lists published TCP ports once each, as preview links', () => {
    const ports = [
      { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '0.0.0.0' },
      { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '::' },
      { containerPort: 53, protocol: 'udp', hostPort: 5353 },
      { containerPort: 443, protocol: 'tcp' },
    ];
    expect(previewablePorts(ports)).toEqual([{ hostPort: 8080, label: '8080 → 80' }]);
    expect(unpublishedPorts(ports)).toEqual(['443/tcp']);
    expect(portHref('node1', 8080)).toBe('/preview/node1/8080/');
  });

  it('formats sizes and change labels', () => {
    expect(formatSize(187_654_321)).toBe('188 MB');
    expect(formatSize(4_200)).toBe('4.2 KB');
    expect(changeLabel('+', en)).toBe('created by the last command');
    expect(changeLabel(undefined, en)).toBeUndefined();
    expect(changeLabel('-', zh)).toBe('被上一条命令删除');
    expect(removedNames([{ op: '-', kind: 'container', name: 'old' }, { op: '+', kind: 'container', name: 'web' }], 'container')).toEqual(['old']);
  });
});

describe('failing checks', () => {
  const verdicts = [
    { title: 'Create container web', passed: false, reason: 'no container web', subject: { kind: 'container' as const, name: 'web' } },
    { title: 'Network app exists', passed: true, reason: 'it does', subject: { kind: 'network' as const, name: 'app' } },
    { title: 'Image nginx:latest is present', passed: false, reason: 'not pulled', subject: { kind: 'image' as const, name: 'nginx:latest' } },
    { title: 'Run `docker ps`', passed: false, reason: 'not yet' },
    { title: 'A file', passed: false, reason: 'not checked yet', pending: true, subject: { kind: 'volume' as const, name: 'v' } },
  ];

  it('keep the failing verdicts that name an element', () => {
    expect(failingChecks(verdicts)).toEqual([
      { kind: 'container', name: 'web', title: 'Create container web' },
      { kind: 'image', name: 'nginx:latest', title: 'Image nginx:latest is present' },
    ]);
  });

  it('match an element by kind and name, an image by any of its tags', () => {
    const failing = failingChecks(verdicts);
    expect(checksAbout(failing, 'container', 'web')).toHaveLength(1);
    expect(checksAbout(failing, 'network', 'web')).toHaveLength(0);
    expect(checksAbout(failing, 'image', ['nginx:1.27', 'nginx:latest'])).toHaveLength(1);
    expect(checksAbout(failing, 'network', 'app')).toHaveLength(0);
    expect(checkLabel(checksAbout(failing, 'container', 'web'), en)).toBe('check: Create container web');
    expect(checkLabel(checksAbout(failing, 'container', 'web'), zh)).toBe('检查：Create container web');
  });
});

describe('swarm', () => {
  const task = (id: string, node: string | undefined, state = 'running', desiredState = 'running') => ({ id, node, state, desiredState });

  it('groups a service’s tasks by node, in name order, tasks not placed yet last', () => {
    const groups = tasksByNode([
      task('a', 'node3'),
      task('b', undefined, 'pending'),
      task('c', 'node1'),
      task('d', 'node1', 'preparing'),
      task('e', 'node2', 'rejected', 'shutdown'),
    ]);
    expect(groups.map(({ node, running, state, tasks }) => ({ node, running, state, count: tasks.length }))).toEqual([
      { node: 'node1', running: 1, state: 'changing', count: 2 },
      { node: 'node2', running: 0, state: 'failed', count: 1 },
      { node: 'node3', running: 1, state: 'running', count: 1 },
      { node: undefined, running: 0, state: 'changing', count: 1 },
    ]);
  });

  const service: ServiceView = { id: 's', name: 'web', image: 'nginx', mode: 'replicated', replicas: 3, running: 2, ports: [], networks: [], tasks: [] };

  it('counts replicas as docker service ls does', () => {
    expect(replicasLabel(service, en)).toBe('2/3');
    expect(replicasLabel({ ...service, mode: 'global', replicas: undefined, tasks: [task('a', 'node1'), task('b', 'node2')] }, en)).toBe('2/2 (global)');
  });

  it('opens a service’s published ports on the nodes running its tasks', () => {
    const published = {
      ...service,
      ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 9200 }],
      tasks: [task('a', 'node2'), task('b', 'node1'), task('c', 'node2'), task('d', 'node3', 'shutdown', 'shutdown'), task('e', 'x7f3k2')],
    };
    expect(servicePortLinks(published)).toEqual([
      { node: 'node1', hostPort: 9200, label: 'node1:9200 → 80' },
      { node: 'node2', hostPort: 9200, label: 'node2:9200 → 80' },
    ]);
  });

  it('shows each swarm once, as its leader sees it when the leader is one of the nodes', () => {
    const members = (leader: string) =>
      ['node1', 'node2', 'node3'].map((hostname) => ({ hostname, role: 'manager' as const, state: 'ready', availability: 'active', leader: hostname === leader }));
    const swarm = (manager: boolean, leader = 'node2'): SwarmView => ({ manager, nodes: manager ? members(leader) : [], services: [] });
    const node = (name: string, view?: SwarmView): NodeView => ({ node: name, containers: [], images: [], networks: [], volumes: [], ...(view ? { swarm: view } : {}) });

    const found = clusters([node('node1', swarm(true)), node('node2', swarm(true)), node('node3', swarm(false)), node('node4')]);
    expect(found.map((cluster) => cluster.via)).toEqual(['node2']);
    expect(clusters([node('node1', swarm(true, 'elsewhere'))]).map((cluster) => cluster.via)).toEqual(['node1']);
    expect(clusters([node('node1', swarm(false))])).toEqual([]);
  });

  it('say under which node a node’s swarm is shown', () => {
    const members = [{ hostname: 'node1', role: 'manager' as const, state: 'ready', availability: 'active', leader: true }];
    const view = (name: string, manager: boolean): NodeView => ({ node: name, containers: [], images: [], networks: [], volumes: [], swarm: { manager, nodes: [], services: [] } });
    const found = [{ via: 'node1', swarm: { manager: true, nodes: [...members, { ...members[0]!, hostname: 'node2', role: 'worker' as const, leader: false }], services: [] } }];
    expect(swarmNote(view('node1', true), found, en)).toBeUndefined();
    expect(swarmNote(view('node2', false), found, en)).toBe('Worker in the swarm shown under node1.');
    expect(swarmNote(view('node3', false), found, en)).toBe('Worker in a swarm: only its managers list its nodes and services.');
    expect(swarmNote(view('node2', false), found, zh)).toBe('集群的工作节点，该集群显示在 node1 下。');
    expect(swarmNote({ node: 'node4', containers: [], images: [], networks: [], volumes: [] }, found, en)).toBeUndefined();
  });
});
