/**
 * Pure helpers for the explorer panel: labels for ports, sizes and statuses, and the
 * preview link of a published port.
 */
import { formatSize, previewPath, type Change, type CheckSubject, type CheckVerdict, type PortView } from './protocol';

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
export function changeLabel(op: Change['op'] | undefined): string | undefined {
  return op === '+' ? 'created by the last command' : op === '~' ? 'changed by the last command' : op === '-' ? 'removed by the last command' : undefined;
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
export function checkLabel(checks: readonly FailingCheck[]): string {
  return checks.map((check) => `check: ${check.title}`).join('; ');
}
