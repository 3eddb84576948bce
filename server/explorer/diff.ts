/**
 * What a command changed: the difference between two snapshots of one engine, as the short
 * list shown under the terminal. Identity is by id (containers, networks, services), by name
 * (volumes) and by tag (images, which is how learners name them). The details and the summary
 * are worded in the learner's locale.
 */
import { translator, type Say } from '../common/i18n';
import type { ContainerInfo, EngineSnapshot, ServiceInfo } from '../engine-state/snapshot';
import type { Locale } from '../protocol/locale';
import { CHANGE_KINDS, CHANGE_OPS as OPS, type Change } from '../protocol/explorer';

export { CHANGE_KINDS, Change } from '../protocol/explorer';

/** Every change, sorted: additions, removals, modifications; then by kind, then by name. */
export function diffSnapshots(before: EngineSnapshot, after: EngineSnapshot, locale: Locale): Change[] {
  const say = translator(locale);
  const changes = [
    ...diffImages(before, after, say),
    ...diffNetworks(before, after),
    ...diffVolumes(before, after, say),
    ...diffContainers(before.containers, after.containers, say),
    ...diffServices(before.swarm.services, after.swarm.services, say),
  ];
  const rank = (change: Change) => [OPS.indexOf(change.op), CHANGE_KINDS.indexOf(change.kind)] as const;
  return changes.sort((a, b) => {
    const [opA, kindA] = rank(a);
    const [opB, kindB] = rank(b);
    return opA - opB || kindA - kindB || compare(a.name, b.name);
  });
}

/** `+ network app, + container web (nginx), ~ container db (running → exited)`; at most `max` shown. */
export function formatChanges(changes: Change[], locale: Locale, max = 8): string {
  const say = translator(locale);
  const shown = changes.slice(0, max).map((c) =>
    say('change.entry', { op: c.op, kind: say(`kind.${c.kind}`), name: c.name, detail: c.detail ? say('change.detail', { detail: c.detail }) : '' }),
  );
  if (changes.length > max) shown.push(say('change.more', { count: changes.length - max }));
  return shown.join(say('change.listSeparator'));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function byKey<T>(items: T[], keyOf: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [keyOf(item), item]));
}

function diffImages(before: EngineSnapshot, after: EngineSnapshot, say: Say): Change[] {
  const tagged = (snapshot: EngineSnapshot) => new Map(snapshot.images.flatMap((image) => image.repoTags.map((tag) => [tag, image.id] as const)));
  const tagsBefore = tagged(before);
  const tagsAfter = tagged(after);
  const idsBefore = new Set(before.images.map((image) => image.id));
  const idsAfter = new Set(after.images.map((image) => image.id));
  const changes: Change[] = [];
  for (const [tag, id] of tagsAfter) {
    const previous = tagsBefore.get(tag);
    if (previous === undefined) changes.push({ op: '+', kind: 'image', name: tag, ...(idsBefore.has(id) ? { detail: say('change.newTag') } : {}) });
    else if (previous !== id) changes.push({ op: '~', kind: 'image', name: tag, detail: say('change.updated') });
  }
  for (const [tag, id] of tagsBefore) {
    if (!tagsAfter.has(tag)) changes.push({ op: '-', kind: 'image', name: tag, ...(idsAfter.has(id) ? { detail: say('change.untagged') } : {}) });
  }
  // Untagged images come and go with builds and pulls; only their removal (a prune) is
  // worth a word, and one word for all of them.
  const danglingGone = before.images.filter((image) => image.repoTags.length === 0 && !idsAfter.has(image.id)).length;
  if (danglingGone > 0) changes.push({ op: '-', kind: 'image', name: '<none>', ...(danglingGone > 1 ? { detail: `×${danglingGone}` } : {}) });
  return changes;
}

const DEFAULT_DRIVER = 'bridge';

function diffNetworks(before: EngineSnapshot, after: EngineSnapshot): Change[] {
  const old = byKey(before.networks, (n) => n.id);
  const now = byKey(after.networks, (n) => n.id);
  return [
    ...after.networks
      .filter((n) => !old.has(n.id))
      .map((n): Change => ({ op: '+', kind: 'network', name: n.name, ...(n.driver && n.driver !== DEFAULT_DRIVER ? { detail: n.driver } : {}) })),
    ...before.networks.filter((n) => !now.has(n.id)).map((n): Change => ({ op: '-', kind: 'network', name: n.name })),
  ];
}

/** Volumes made for a bare `-v /path` are named by 64 hex digits. */
const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/;

function diffVolumes(before: EngineSnapshot, after: EngineSnapshot, say: Say): Change[] {
  const volumeChange = (op: '+' | '-', name: string): Change =>
    ANONYMOUS_VOLUME.test(name) ? { op, kind: 'volume', name: name.slice(0, 12), detail: say('change.anonymous') } : { op, kind: 'volume', name };
  const old = new Set(before.volumes.map((v) => v.name));
  const now = new Set(after.volumes.map((v) => v.name));
  return [
    ...[...now].filter((name) => !old.has(name)).map((name) => volumeChange('+', name)),
    ...[...old].filter((name) => !now.has(name)).map((name) => volumeChange('-', name)),
  ];
}

function statusLabel(container: ContainerInfo): string {
  return container.status === 'exited' && container.exitCode ? `exited ${container.exitCode}` : container.status;
}

function diffContainers(before: ContainerInfo[], after: ContainerInfo[], say: Say): Change[] {
  const old = byKey(before, (c) => c.id);
  const now = byKey(after, (c) => c.id);
  const added = after.filter((c) => !old.has(c.id));
  const removed = before.filter((c) => !now.has(c.id));
  // `docker rm -f web && docker run --name web ...` is one thing replaced, not two.
  const recreated = new Set(added.filter((c) => removed.some((r) => r.name === c.name)).map((c) => c.name));
  const changes: Change[] = [
    ...added.filter((c) => !recreated.has(c.name)).map((c): Change => ({ op: '+', kind: 'container', name: c.name, detail: c.image })),
    ...removed.filter((c) => !recreated.has(c.name)).map((c): Change => ({ op: '-', kind: 'container', name: c.name })),
    ...[...recreated].map((name): Change => ({ op: '~', kind: 'container', name, detail: say('change.recreated') })),
  ];
  for (const container of after) {
    const previous = old.get(container.id);
    if (!previous) continue;
    // Several changes to one container read as one entry.
    const details: string[] = [];
    if (previous.name !== container.name) details.push(say('change.renamed', { name: previous.name }));
    if (statusLabel(previous) !== statusLabel(container)) details.push(`${statusLabel(previous)} → ${statusLabel(container)}`);
    for (const network of container.networks) if (!previous.networks.includes(network)) details.push(say('change.joined', { network }));
    for (const network of previous.networks) if (!container.networks.includes(network)) details.push(say('change.left', { network }));
    if ((previous.restartPolicy ?? 'no') !== (container.restartPolicy ?? 'no')) details.push(say('change.restart', { policy: container.restartPolicy ?? 'no' }));
    if (details.length > 0) changes.push({ op: '~', kind: 'container', name: container.name, detail: details.join(say('change.separator')) });
  }
  return changes;
}

function describeService(service: ServiceInfo, say: Say): string {
  const { image } = service;
  return service.mode === 'global' ? say('change.serviceGlobal', { image }) : say('change.serviceReplicas', { image, replicas: service.replicas ?? 1 });
}

function diffServices(before: ServiceInfo[], after: ServiceInfo[], say: Say): Change[] {
  const old = byKey(before, (s) => s.id);
  const now = byKey(after, (s) => s.id);
  const changes: Change[] = [
    ...after.filter((s) => !old.has(s.id)).map((s): Change => ({ op: '+', kind: 'service', name: s.name, detail: describeService(s, say) })),
    ...before.filter((s) => !now.has(s.id)).map((s): Change => ({ op: '-', kind: 'service', name: s.name })),
  ];
  // Tasks are left out: they churn while a service converges, and the service says enough.
  for (const service of after) {
    const previous = old.get(service.id);
    if (!previous) continue;
    const details: string[] = [];
    if (previous.image !== service.image) details.push(`${previous.image} → ${service.image}`);
    if (previous.replicas !== service.replicas) details.push(say('change.replicas', { before: previous.replicas ?? 'global', after: service.replicas ?? 'global' }));
    const ports = (s: ServiceInfo) => s.ports.map((p) => `${p.hostPort ?? ''}:${p.containerPort}/${p.protocol}`).join(' ');
    if (ports(previous) !== ports(service)) details.push(say('change.portsChanged'));
    if (details.length > 0) changes.push({ op: '~', kind: 'service', name: service.name, detail: details.join(say('change.separator')) });
  }
  return changes;
}
