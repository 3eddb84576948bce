import { describe, expect, it } from 'vitest';
import { snapshotFromEngine } from '../engine-state/from-engine';
import { RAW_ENGINE } from '../engine-state/fixtures/engine-api';
import { BUSY, FRESH } from '../engine-state/fixtures/snapshots';
import { ExplorerView, explorerView } from './view';

describe('explorerView', () => {
  const view = explorerView({ node2: FRESH, node1: BUSY });

  it('is valid, JSON-serialisable and sorted by node', () => {
    expect(ExplorerView.parse(JSON.parse(JSON.stringify(view)))).toEqual(JSON.parse(JSON.stringify(view)));
    expect(view.nodes.map((node) => node.node)).toEqual(['node1', 'node2']);
  });

  it('shows containers by name with short ids, and volume mounts without host paths', () => {
    const [db, web] = view.nodes[0]!.containers;
    expect(web).toMatchObject({ name: 'web', id: '3f4e1c2b9a8d', imageId: 'a8758716bb6a', status: 'running' });
    expect(web!.ports).toEqual([{ containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '0.0.0.0' }]);
    expect(db!.mounts).toEqual([{ type: 'volume', name: 'data', destination: '/var/lib/postgresql/data', readOnly: false }]);
  });

  it('omits the swarm outside one', () => {
    expect(view.nodes[0]!.swarm).toBeUndefined();
  });

  it('shows a manager’s services with their current tasks, on named nodes', () => {
    const [node] = explorerView({ node1: snapshotFromEngine(RAW_ENGINE) }).nodes;
    expect(node!.swarm?.nodes.map((n) => n.hostname)).toEqual(['node1', 'node2']);
    const search = node!.swarm!.services[0]!;
    expect(search).toMatchObject({ name: 'search', replicas: 3 });
    expect(search.running).toBe(search.tasks.filter((t) => t.state === 'running' && t.desiredState === 'running').length);
    expect(search.tasks.every((t) => t.desiredState !== 'shutdown' || t.state === 'running')).toBe(true);
    // Spread over the nodes, each named by its hostname (the sandbox's node name).
    expect(search.tasks.map((t) => [t.id, t.node])).toEqual([
      ['t1', 'node1'],
      ['t2', 'node2'],
      ['t3', 'node2'],
    ]);
    // Untagged images sort last.
    expect(node!.images.at(-1)!.tags).toEqual([]);
  });
});
