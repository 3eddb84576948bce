import { describe, expect, it } from 'vitest';
import { diffSnapshots, formatChanges } from './diff';
import { APP_NET_ID, OLD_ID } from '../engine-state/fixtures/events';
import { APP_NET, BUSY, DB, FRESH, NGINX, POSTGRES, WEB, container, network } from '../engine-state/fixtures/snapshots';
import type { EngineSnapshot, ServiceInfo } from '../engine-state/snapshot';
import type { Locale } from '../protocol/locale';

const summary = (before: EngineSnapshot, after: EngineSnapshot, locale: Locale = 'en') => formatChanges(diffSnapshots(before, after, locale), locale);

describe('diffSnapshots', () => {
  it('says nothing when nothing changed', () => {
    expect(diffSnapshots(BUSY, structuredClone(BUSY), 'en')).toEqual([]);
    expect(summary(BUSY, BUSY)).toBe('');
  });

  it('lists additions, removals and modifications in that order, dependencies first', () => {
    const old = container({ id: OLD_ID, name: 'old', image: 'hello-world', status: 'exited', exitCode: 0 });
    const before = { ...FRESH, containers: [old, { ...DB, networks: ['bridge'] }], images: [NGINX, POSTGRES] };
    const after = {
      ...FRESH,
      containers: [WEB, { ...DB, networks: ['bridge'], status: 'exited' as const, exitCode: 0 }],
      images: [NGINX, POSTGRES],
      networks: [...FRESH.networks, APP_NET],
    };
    expect(summary(before, after)).toBe('+ network app, + container web (nginx), - container old, ~ container db (running → exited)');
    expect(summary(before, after, 'zh')).toBe('+ 网络 app，+ 容器 web（nginx），- 容器 old，~ 容器 db（running → exited）');
  });

  it('collapses one container’s several changes into one entry', () => {
    const after = { ...BUSY, containers: [WEB, { ...DB, name: 'postgres', status: 'exited' as const, exitCode: 137, networks: ['bridge'] }] };
    expect(diffSnapshots(BUSY, after, 'en')).toEqual([
      { op: '~', kind: 'container', name: 'postgres', detail: 'renamed from db; running → exited 137; joined bridge; left app' },
    ]);
    expect(diffSnapshots(BUSY, after, 'zh')).toEqual([
      { op: '~', kind: 'container', name: 'postgres', detail: '由 db 改名而来；running → exited 137；加入了 bridge；离开了 app' },
    ]);
  });

  it('reads a container removed and run again under its name as recreated', () => {
    const again = { ...WEB, id: OLD_ID };
    expect(summary(BUSY, { ...BUSY, containers: [again, DB] })).toBe('~ container web (recreated)');
  });

  it('names images by tag, and tells a new tag, an update and an untag apart', () => {
    const base = { ...FRESH, images: [NGINX] };
    expect(summary(FRESH, base)).toBe('+ image nginx:latest');
    expect(summary(base, { ...base, images: [{ ...NGINX, repoTags: ['nginx:latest', 'myapp:1'] }] })).toBe('+ image myapp:1 (new tag)');
    expect(summary({ ...base, images: [{ ...NGINX, repoTags: ['nginx:latest', 'myapp:1'] }] }, base)).toBe('- image myapp:1 (untagged)');
    // `docker pull nginx` when a newer nginx exists: the tag moves, the old image is left untagged.
    const pulled = { ...base, images: [{ ...NGINX, id: 'sha256:1111' }, { ...NGINX, repoTags: [] }] };
    expect(summary(base, pulled)).toBe('~ image nginx:latest (updated)');
    expect(summary(base, FRESH)).toBe('- image nginx:latest');
  });

  it('collapses untagged images: silent when they appear, one entry when pruned', () => {
    const layers = [1, 2, 3].map((n) => ({ ...NGINX, id: `sha256:${n}`, repoTags: [] }));
    const built = { ...FRESH, images: [NGINX, ...layers] };
    expect(summary({ ...FRESH, images: [NGINX] }, built)).toBe('');
    expect(summary(built, { ...FRESH, images: [NGINX] })).toBe('- image <none> (×3)');
  });

  it('shows networks with their driver when not bridge, and anonymous volumes by short name', () => {
    const anonymous = 'f'.repeat(64);
    const after = {
      ...FRESH,
      networks: [...FRESH.networks, network('ingress', 'ingress0id', 'overlay')],
      volumes: [{ name: anonymous, driver: 'local', users: [] }],
    };
    expect(summary(FRESH, after)).toBe('+ network ingress (overlay), + volume ffffffffffff (anonymous)');
    expect(summary(after, FRESH)).toBe('- network ingress, - volume ffffffffffff (anonymous)');
  });

  it('describes services and their scaling, not their tasks', () => {
    const service: ServiceInfo = {
      id: 'svc',
      name: 'search',
      image: 'nginx:latest',
      mode: 'replicated',
      replicas: 3,
      ports: [],
      networks: [],
      update: {},
      tasks: [{ id: 't1', state: 'running', desiredState: 'running' }],
    };
    const swarm = { active: true, manager: true, nodes: [], services: [service] };
    const withService = { ...FRESH, swarm };
    expect(summary({ ...FRESH, swarm: { ...swarm, services: [] } }, withService)).toBe('+ service search (nginx:latest, 3 replicas)');
    const scaled = { ...FRESH, swarm: { ...swarm, services: [{ ...service, replicas: 5, tasks: [] }] } };
    expect(summary(withService, scaled)).toBe('~ service search (3 → 5 replicas)');
  });

  it('keeps a network by id, so a network removed and created again reads as both', () => {
    const before = { ...FRESH, networks: [...FRESH.networks, APP_NET] };
    const after = { ...FRESH, networks: [...FRESH.networks, { ...APP_NET, id: APP_NET_ID.replace('7a', '9b') }] };
    expect(summary(before, after)).toBe('+ network app, - network app');
  });
});

describe('formatChanges', () => {
  it('shows at most a few changes and counts the rest', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ op: '+' as const, kind: 'volume' as const, name: `v${i}` }));
    expect(formatChanges(many, 'en', 3)).toBe('+ volume v0, + volume v1, + volume v2, and 7 more');
    expect(formatChanges(many, 'zh', 3)).toBe('+ 分卷 v0，+ 分卷 v1，+ 分卷 v2，另外还有 7 项');
  });
});
