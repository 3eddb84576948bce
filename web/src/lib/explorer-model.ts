/**
 * Pure helpers for the explorer panel: labels for ports, sizes and statuses, and the
 * preview link of a published port.
 */
import { previewPath, type Change, type PortView } from './protocol';

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

export const portHref = (node: string, hostPort: number) => previewPath(node, hostPort);

/** `187 MB`, as `docker images` shows sizes. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Words for the highlight a change gives an object, for screen readers. */
export function changeLabel(op: Change['op'] | undefined): string | undefined {
  return op === '+' ? 'created by the last command' : op === '~' ? 'changed by the last command' : op === '-' ? 'removed by the last command' : undefined;
}

/** Objects the last command removed, which the lists no longer hold, to show them struck through. */
export function removedNames(changes: readonly Change[], kind: ChangeKind): string[] {
  return changes.filter((change) => change.op === '-' && change.kind === kind).map((change) => change.name);
}
