import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import type { EngineSnapshot } from '../engine-state/snapshot';
import type { SessionNode } from '../session/context';
import { applyStart, planStart } from './start-state';

const empty = (): EngineSnapshot => ({ containers: [], images: [], networks: [], volumes: [], swarm: { active: false, manager: false, nodes: [], services: [] } });
const container = (name: string, ports: { hostPort?: number; containerPort: number }[] = []) => ({
  id: name, name, image: 'nginx', imageId: 'sha256:1', status: 'running' as const, ports: ports.map((port) => ({ ...port, protocol: 'tcp' })),
  networks: [], mounts: [], env: [], labels: {},
});

describe('planStart', () => {
  it('takes swarm members out of their swarm, naming the services that go', () => {
    const manager = empty();
    manager.swarm = { active: true, manager: true, nodes: [], services: [{ id: 's', name: 'web', image: 'nginx', mode: 'replicated', ports: [], networks: [], update: {}, tasks: [] }] };
    manager.containers = [container('web.1.abc')];
    const worker = empty();
    worker.swarm = { ...worker.swarm, active: true };
    const actions = planStart({ nodes: 3, start: { swarm: false, containers: ['web.1.abc'] } }, { node1: manager, node2: worker, node3: empty(), node4: worker }, 'en');
    expect(actions.map((action) => action.description)).toEqual([
      'node1: leave its swarm (it is a manager; services web stop running there)',
      'node2: leave its swarm (it is a worker)',
    ]);
    expect(planStart({ nodes: 2, start: { swarm: false } }, { node1: manager, node2: worker }, 'zh').map((action) => action.description)).toEqual([
      'node1：退出它所在的 swarm 集群（它是管理节点；服务 web 将不再在那里运行）',
      'node2：退出它所在的 swarm 集群（它是工作节点）',
    ]);
  });

  it('removes containers that publish the lesson\'s ports or have its names, and volumes and networks of its names with their users', () => {
    const node = empty();
    node.containers = [container('site', [{ hostPort: 8080, containerPort: 80 }]), container('db'), container('other', [{ containerPort: 80 }])];
    node.volumes = [{ name: 'data', driver: 'local', users: ['db'] }];
    node.networks = [{ id: 'n', name: 'appnet', driver: 'bridge', containers: ['db'] }];
    const actions = planStart({ nodes: 1, start: { ports: [8080], volumes: ['data'], networks: ['appnet'] } }, { node1: node }, 'en');
    expect(actions.map(({ kind, target }) => `${kind} ${target}`)).toEqual([
      'remove-container site',
      'remove-container db',
      'remove-volume data',
      'remove-network appnet',
    ]);
    expect(actions[0]!.description).toBe('node1: remove container site (it publishes port 8080, which this lesson uses)');
    expect(planStart({ nodes: 1, start: {} }, { node1: node }, 'en')).toEqual([]);
    const zh = planStart({ nodes: 1, start: { ports: [8080], volumes: ['data'], networks: ['appnet'] } }, { node1: node }, 'zh');
    expect(zh.map((action) => action.description)).toEqual([
      'node1：删除容器 site（它发布了本课要用的端口 8080）',
      'node1：删除容器 db（它使用分卷 data）',
      'node1：删除分卷 data 及其中的数据（本课会创建同名的分卷）',
      'node1：删除网络 appnet（本课会创建同名的网络）',
    ]);
  });
});

describe('applyStart', () => {
  const leave = { node: 'node1', kind: 'leave-swarm', description: 'node1: leave its swarm (it is a manager)' } as const;
  const hangUp = () => Promise.reject(new Error('socket hang up'));
  /** Engines here show what they did at once. */
  const AT_ONCE = { waitMs: 0, pollMs: 0 };
  let rechecks = 0;
  /** A session node with that engine, whose state counts the membership re-reads asked for. */
  const on = (engine: Docker) => ({ engine, state: { recheck: () => void (rechecks += 1) } }) as unknown as Pick<SessionNode, 'engine' | 'state'>;
  /** An engine whose swarm leave answers with each of `answers` in turn, and whose info says `state`. */
  const engine = (answers: Array<() => Promise<unknown>>, state: () => string) => {
    let calls = 0;
    const fake = {
      swarmLeave: () => answers[calls++]!(),
      info: async () => ({ Swarm: { LocalNodeState: state() } }),
      leaves: () => calls,
    };
    return fake as unknown as Docker & { leaves: () => number };
  };

  it('counts a leave whose answer was lost as done when the node is out of the swarm', async () => {
    const node = engine([hangUp], () => 'inactive');
    const before = rechecks;
    expect(await applyStart([leave], () => on(node), 'en', AT_ONCE)).toEqual([]);
    expect(node.leaves()).toBe(1);
    expect(rechecks).toBe(before + 1);
  });

  it('tries once more when the node is still in the swarm, and reports a second failure', async () => {
    let left = false;
    const recovers = engine([hangUp, async () => { left = true; }], () => (left ? 'inactive' : 'active'));
    expect(await applyStart([leave], () => on(recovers), 'en', AT_ONCE)).toEqual([]);
    expect(recovers.leaves()).toBe(2);
    const stuck = engine([hangUp, hangUp], () => 'active');
    expect(await applyStart([leave], () => on(stuck), 'en', AT_ONCE)).toEqual(['node1: leave its swarm (it is a manager): socket hang up']);
    expect(await applyStart([leave], () => undefined, 'zh', AT_ONCE)).toEqual(['node1: leave its swarm (it is a manager)：node1 没有运行']);
  });

  it('waits for a lost leave to finish before asking again, and checks an answered error once', async () => {
    // The manager is still tearing its swarm down for three looks after the hang-up.
    let looks = 0;
    const slow = engine([hangUp], () => (++looks > 3 ? 'inactive' : 'pending'));
    expect(await applyStart([leave], () => on(slow), 'en', { waitMs: 5000, pollMs: 1 })).toEqual([]);
    expect(slow.leaves()).toBe(1);
    const refused = () => Promise.reject(Object.assign(new Error('this node is not part of a swarm'), { statusCode: 503 }));
    let refusedLooks = 0;
    const answered = engine([refused, refused], () => (++refusedLooks, 'active'));
    expect(await applyStart([leave], () => on(answered), 'en', { waitMs: 60_000, pollMs: 1 })).toEqual([
      'node1: leave its swarm (it is a manager): this node is not part of a swarm',
    ]);
    expect(refusedLooks).toBe(2);
  });

  it('counts a removal whose object is gone as done', async () => {
    const gone = Object.assign(new Error('no such container'), { statusCode: 404 });
    const node = {
      getContainer: () => ({ remove: hangUp, inspect: () => Promise.reject(gone) }),
    } as unknown as Docker;
    const action = { node: 'node1', kind: 'remove-container', target: 'site', description: 'node1: remove container site' } as const;
    expect(await applyStart([action], () => on(node), 'en', AT_ONCE)).toEqual([]);
  });
});
