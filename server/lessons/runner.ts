/**
 * Judges one step's checks against a live session: the engine state of each node the checks
 * look at, settled after whatever was just done there, and the file and script probes run on
 * their nodes, then evaluates. Used by the lessons service and by the golden runs
 * (e2e/golden.spec.ts), so both judge exactly alike.
 */
import { evaluateChecks, type Verdict } from '../checks/evaluate';
import { probesFor, SCRIPT_OUTPUT_MAX_CHARS, type Probe, type ProbeResult } from '../checks/probes';
import type { Check } from '../protocol/checks';
import type { Locale } from '../protocol/locale';
import type { CommandRecord } from '../checks/shell-integration';
import type { EngineSnapshot, SandboxSnapshot } from '../engine-state/snapshot';
import type { CheckVerdict } from '../protocol/lessons';
import type { SessionNode } from '../session/context';

/** What judging needs of a node. */
export type JudgedNode = Pick<SessionNode, 'name' | 'state' | 'exec'>;
/** The session's ready node of this name, if any (`SessionContext.node`). */
export type NodeLookup = (name: string) => JudgedNode | undefined;

const FILE_PROBE_TIMEOUT_MS = 5000;
const EXISTS_MARK = 'SLIPWAY-FILE-EXISTS';

/** Reasons and derived titles are worded in `locale`; the checks come with their own titles (the lesson in that locale). */
export async function judgeChecks(nodes: NodeLookup, checks: readonly Check[], history: readonly CommandRecord[], locale: Locale): Promise<Verdict[]> {
  // A node that is not ready gets no snapshot and runs no probe: its checks fail saying so.
  const ready = new Map<string, JudgedNode>();
  for (const check of checks) {
    const node = check.type === 'command' ? undefined : nodes(check.node);
    if (node) ready.set(check.node, node);
  }
  const [snapshots, probeResults] = await Promise.all([
    settledSnapshots([...ready.values()]),
    Promise.all(
      probesFor(checks).flatMap((probe) => {
        const node = ready.get(probe.node);
        return node ? [runProbe(node, probe)] : [];
      }),
    ),
  ]);
  return evaluateChecks(checks, snapshots, history, probeResults, locale);
}

/** Each node's engine state, settled after what was just done there; nodes not listed yet are left out. */
export async function settledSnapshots(nodes: readonly Pick<SessionNode, 'name' | 'state'>[]): Promise<SandboxSnapshot> {
  const settled = await Promise.all(nodes.map(async (node) => [node.name, await node.state.settled()] as const));
  return Object.fromEntries(settled.filter((entry): entry is readonly [string, EngineSnapshot] => entry[1] !== undefined));
}

export function toWire(verdicts: readonly Verdict[]): CheckVerdict[] {
  return verdicts.map(({ title, passed, reason, needs, subject }) => ({
    title,
    passed,
    reason,
    ...(needs ? { pending: true } : {}),
    ...(subject ? { subject } : {}),
  }));
}

export async function runProbe(node: JudgedNode, probe: Probe): Promise<ProbeResult> {
  if (probe.kind === 'script') {
    // A script that ran out of time with nothing said is worded by the evaluator, in the learner's language.
    const result = await node.exec(probe.script, probe.timeoutMs).catch((error: Error) => ({ exitCode: null, output: error.message }));
    return { kind: 'script', id: probe.id, exitCode: result.exitCode, output: result.output.trim().slice(0, SCRIPT_OUTPUT_MAX_CHARS) };
  }
  const read = `if [ -e ${quote(probe.path)} ]; then echo ${EXISTS_MARK}; head -c ${probe.maxBytes} ${quote(probe.path)}; fi`;
  const script = probe.container ? `docker exec ${quote(probe.container)} sh -c ${quote(read)} 2>/dev/null` : read;
  const result = await node.exec(script, FILE_PROBE_TIMEOUT_MS).catch(() => ({ exitCode: null, output: '' }));
  const marked = result.output.startsWith(`${EXISTS_MARK}\n`);
  return marked
    ? { kind: 'file', id: probe.id, exists: true, content: result.output.slice(EXISTS_MARK.length + 1) }
    : { kind: 'file', id: probe.id, exists: false };
}

/** A single-quoted shell word. */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
