/**
 * Pure helpers for the explorer panel: labels for ports, sizes and statuses, the preview link
 * of a published port, and the swarms the nodes form with their services' tasks per node.
 */
import type { Messages } from './i18n/catalog';
import {
  formatSize,
  NODE_NAME,
  previewPath,
  type Change,
  type CheckSubject,
  type CheckVerdict,
  type NodeView,
  type PortView,
  type ServiceView,
  type SwarmView,
  type TaskView,
} from './protocol';

export type { Change };
export type ChangeKind = Change['kind'];

/** Ports a browser can open: published TCP ports (UDP cannot be previewed). */
export function previewablePorts(ports: readonly PortView[]): { hostPort: number; label: string }[] {
  const seen = new Set<number>();
  const result: { hostPort: number; label: string }[] = [];
  for (const port of ports) {
    if (port.hostPort === undefined || port.protocol !== 'tcp' || seen.has(port.hostPort)) continue;
    seen.add(port.hostPort);
    result.push({ hostPort: port.hostPort, label: `${port.hostPort} → ${port.containerPort}` });
  }
  return result.sort((a, b) => a.hostPort - b.hostPort);
}

/** The ports a container exposes without publishing them, as `80/tcp`. */
export function unpublishedPorts(ports: readonly PortView[]): string[] {
  const published = new Set(ports.filter((p) => p.hostPort !== undefined).map((p) => `${p.containerPort}/${p.protocol}`));
  return [...new Set(ports.filter((p) => p.hostPort === undefined).map((p) => `${p.containerPort}/${p.protocol}`))].filter((p) => !published.has(p));
}

export { formatSize };

export const portHref = (node: string, hostPort: number) => previewPath(node, hostPort);

/** Words for the highlight a change gives an object, for screen readers. */
export function changeLabel(op: Change['op'] | undefined, t: Messages): string | undefined {
  return op === '+' ? t.explorer.created : op === '~' ? t.explorer.changed : op === '-' ? t.explorer.removed : undefined;
}

/** Objects the last command removed, which the lists no longer hold, to show them struck through. */
export function removedNames(changes: readonly Change[], kind: ChangeKind): string[] {
  return changes.filter((change) => change.op === '-' && change.kind === kind).map((change) => change.name);
}

/** A failing check of the current step, by the explorer element it is about. */
export type FailingCheck = CheckSubject & { title: string };

/** The failing verdicts that name an element (checks not looked at yet are not failing). */
export function failingChecks(verdicts: readonly CheckVerdict[]): FailingCheck[] {
  return verdicts.flatMap((verdict) => (!verdict.passed && !verdict.pending && verdict.subject ? [{ ...verdict.subject, title: verdict.title }] : []));
}

/** The failing checks about an element known by any of `names` (an image by each of its tags). */
export function checksAbout(failing: readonly FailingCheck[], kind: CheckSubject['kind'], names: string | readonly string[]): FailingCheck[] {
  const list = typeof names === 'string' ? [names] : names;
  return failing.filter((check) => check.kind === kind && list.includes(check.name));
}

/** Words for the mark a failing check gives an element, for screen readers. */
export function checkLabel(checks: readonly FailingCheck[], t: Messages): string {
  return checks.map((check) => t.explorer.check(check.title)).join('; ');
}

/** A swarm as its managers see it, once however many of the session's nodes manage it. */
export interface Cluster {
  /** The node to ask about the swarm's objects: its leader when that is one of ours. */
  via: string;
  swarm: SwarmView;
}

/**
 * The swarms the nodes form. Every manager reports its swarm's nodes and services (workers
 * report nothing), so a swarm is known by its leader and shown once.
 */
export function clusters(nodes: readonly NodeView[]): Cluster[] {
  const byLeader = new Map<string, Cluster>();
  for (const node of nodes) {
    const swarm = node.swarm;
    if (!swarm?.manager) continue;
    const leader = swarm.nodes.find((member) => member.leader)?.hostname;
    const key = leader ?? swarm.nodes.map((member) => member.hostname).sort().join(' ');
    if (!byLeader.has(key) || node.node === leader) byLeader.set(key, { via: node.node, swarm });
  }
  return [...byLeader.values()];
}

/** How a group of tasks is doing: all running, some failed, or on their way (starting, updating). */
export type TaskGroupState = 'running' | 'failed' | 'changing';

export interface TaskGroup {
  /** The hostname of the node the tasks run on; undefined for tasks not placed yet. */
  node: string | undefined;
  tasks: TaskView[];
  running: number;
  state: TaskGroupState;
}

const isRunning = (task: TaskView) => task.state === 'running' && task.desiredState === 'running';
const FAILED_TASK_STATES = new Set(['failed', 'rejected']);

/** A service's tasks by the node they run on, nodes in name order, tasks not placed yet last. */
export function tasksByNode(tasks: readonly TaskView[]): TaskGroup[] {
  const groups = new Map<string | undefined, TaskView[]>();
  for (const task of tasks) groups.set(task.node, [...(groups.get(task.node) ?? []), task]);
  return [...groups.entries()]
    .sort(([a], [b]) => (a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b, 'en', { numeric: true })))
    .map(([node, group]) => {
      const running = group.filter(isRunning).length;
      const state: TaskGroupState =
        running === group.length ? 'running' : group.some((task) => FAILED_TASK_STATES.has(task.state)) ? 'failed' : 'changing';
      return { node, tasks: group, running, state };
    });
}

/** A service's replicas as `docker service ls` shows them: running/desired, and the mode when global. */
export function replicasLabel(service: ServiceView, t: Messages): string {
  const label = `${service.running}/${service.replicas ?? service.tasks.length}`;
  return service.mode === 'global' ? t.explorer.global(label) : label;
}

/**
 * A line under a node's heading when its swarm is shown under another node (another manager
 * reports it) or not at all (a worker's swarm has no manager among the session's nodes).
 */
export function swarmNote(node: NodeView, found: readonly Cluster[], t: Messages): string | undefined {
  if (!node.swarm || found.some((cluster) => cluster.via === node.node)) return undefined;
  const { manager } = node.swarm;
  const shown = found.find((cluster) => cluster.swarm.nodes.some((member) => member.hostname === node.node));
  if (shown) return manager ? t.explorer.managerShownUnder(shown.via) : t.explorer.workerShownUnder(shown.via);
  return manager ? t.explorer.managerAlone : t.explorer.workerAlone;
}

/**
 * Where a service's published ports open: on each node running one of its tasks, which
 * answers both through the routing mesh and with host-mode publishing.
 */
export function servicePortLinks(service: ServiceView): { node: string; hostPort: number; label: string }[] {
  const nodes = [...new Set(service.tasks.filter(isRunning).flatMap((task) => (task.node && NODE_NAME.test(task.node) ? [task.node] : [])))];
  nodes.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return previewablePorts(service.ports).flatMap((port) => nodes.map((node) => ({ node, hostPort: port.hostPort, label: `${node}:${port.label}` })));
}
