/**
 * Judges one step's checks against a live sandbox: collects the engine snapshot, runs the
 * file and script probes in the sandbox, then evaluates. Used by the lessons service and by
 * the golden runs (e2e/golden.spec.ts), so both judge exactly alike.
 */
import type Docker from 'dockerode';
import { collectSnapshot } from '../checks/collect';
import { evaluateChecks, type Verdict } from '../checks/evaluate';
import { probesFor, SCRIPT_OUTPUT_MAX_CHARS, type Probe, type ProbeResult } from '../checks/probes';
import type { Check } from '../checks/schema';
import type { CommandRecord } from '../checks/shell-integration';
import type { CheckVerdict } from '../protocol/lessons';
import type { ExecResult } from '../session/sandbox-exec';

export interface StepJudge {
  engine: Docker;
  node: string;
  exec(script: string, timeoutMs: number): Promise<ExecResult>;
}

const FILE_PROBE_TIMEOUT_MS = 5000;
const EXISTS_MARK = 'SLIPWAY-FILE-EXISTS';

export async function judgeChecks(judge: StepJudge, checks: readonly Check[], history: readonly CommandRecord[]): Promise<Verdict[]> {
  const [snapshot, probeResults] = await Promise.all([
    collectSnapshot(judge.engine),
    Promise.all(probesFor(checks).map((probe) => runProbe(judge, probe))),
  ]);
  return evaluateChecks(checks, { [judge.node]: snapshot }, history, probeResults);
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

export async function runProbe(judge: StepJudge, probe: Probe): Promise<ProbeResult> {
  if (probe.kind === 'script') {
    const result = await judge.exec(probe.script, probe.timeoutMs).catch((error: Error) => ({ exitCode: null, output: error.message }));
    const output = result.exitCode === null && result.output.trim() === '' ? `did not finish within ${probe.timeoutMs / 1000} s` : result.output;
    return { kind: 'script', id: probe.id, exitCode: result.exitCode, output: output.trim().slice(0, SCRIPT_OUTPUT_MAX_CHARS) };
  }
  const read = `if [ -e ${quote(probe.path)} ]; then echo ${EXISTS_MARK}; head -c ${probe.maxBytes} ${quote(probe.path)}; fi`;
  const script = probe.container ? `docker exec ${quote(probe.container)} sh -c ${quote(read)} 2>/dev/null` : read;
  const result = await judge.exec(script, FILE_PROBE_TIMEOUT_MS).catch(() => ({ exitCode: null, output: '' }));
  const marked = result.output.startsWith(`${EXISTS_MARK}\n`);
  return marked
    ? { kind: 'file', id: probe.id, exists: true, content: result.output.slice(EXISTS_MARK.length + 1) }
    : { kind: 'file', id: probe.id, exists: false };
}

/** A single-quoted shell word. */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
