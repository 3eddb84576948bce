/**
 * Checks that need to look inside the sandbox (files, scripts) cannot be evaluated from an
 * engine snapshot. The evaluator turns them into probes; the runner executes each probe on its
 * node and feeds the results back into the next evaluation, keyed by probe id.
 */
import { z } from 'zod';
import { durationMs, type Check, type CheckOf } from '../protocol/checks';

/** How much of a file the runner reads back: enough for any text a lesson looks for. */
export const FILE_PROBE_MAX_BYTES = 64 * 1024;
/** How much script output is kept as the reason shown to the learner. */
export const SCRIPT_OUTPUT_MAX_CHARS = 2000;

export type FileProbe = {
  kind: 'file';
  id: string;
  node: string;
  path: string;
  /** Read inside this container (docker exec) instead of the node's shell. */
  container?: string;
  /** Read at most this many bytes of content. */
  maxBytes: number;
};

export type ScriptProbe = {
  kind: 'script';
  id: string;
  node: string;
  /** Run with `sh -c` in the node's shell environment, not the learner's interactive shell. */
  script: string;
  timeoutMs: number;
};

export type Probe = FileProbe | ScriptProbe;

export const ProbeResult = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    id: z.string(),
    exists: z.boolean(),
    /** The first FILE_PROBE_MAX_BYTES of the file, decoded as UTF-8. */
    content: z.string().optional(),
  }),
  z.object({
    kind: z.literal('script'),
    id: z.string(),
    /** null when the script timed out or could not be started. */
    exitCode: z.number().int().nullable(),
    /** stdout and stderr, interleaved, truncated. */
    output: z.string(),
  }),
]);
export type ProbeResult = z.infer<typeof ProbeResult>;
export type FileProbeResult = Extract<ProbeResult, { kind: 'file' }>;
export type ScriptProbeResult = Extract<ProbeResult, { kind: 'script' }>;

/** Probe ids are the check's position, so results stay matched while the list is unchanged. */
export const probeId = (index: number) => `check-${index}`;

export function probeFor(check: Check, index: number): Probe | undefined {
  if (check.type === 'file') return fileProbe(check, index);
  if (check.type === 'script') return scriptProbe(check, index);
  return undefined;
}

/** Every probe the runner must execute before `evaluateChecks` can judge these checks. */
export function probesFor(checks: readonly Check[]): Probe[] {
  return checks.flatMap((check, index) => probeFor(check, index) ?? []);
}

function fileProbe(check: CheckOf<'file'>, index: number): FileProbe {
  return {
    kind: 'file',
    id: probeId(index),
    node: check.node,
    path: check.path,
    ...(check.container ? { container: check.container } : {}),
    maxBytes: FILE_PROBE_MAX_BYTES,
  };
}

function scriptProbe(check: CheckOf<'script'>, index: number): ScriptProbe {
  return { kind: 'script', id: probeId(index), node: check.node, script: check.run, timeoutMs: durationMs(check.timeout) };
}
