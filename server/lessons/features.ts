/**
 * Machine features and the lesson markup that adapts to them. Some lessons can only show
 * something on a machine that has it: a swarm's routing mesh needs the kernel's IPVS. Such a
 * lesson marks the parts that differ, outside code blocks, each directive alone on its line:
 *
 *   <!-- if ipvs -->
 *   prose, blocks, checks, even whole "## " steps for machines with IPVS
 *   <!-- else -->
 *   the same for machines without it
 *   <!-- end -->
 *
 * (`<!-- if not ipvs -->` negates; `else` is optional; conditions nest.) `selectForFeatures`
 * blanks the lines a machine does not get, and the directives themselves, so every remaining
 * line keeps its number and errors still point at the right `file:line`. Pure.
 */
import type { LessonIssue } from './issues';

/** What a machine may or may not have; each one doubles the variants a lesson is checked in. */
export const MACHINE_FEATURES = ['ipvs'] as const;
export type MachineFeature = (typeof MACHINE_FEATURES)[number];
export type MachineFeatures = Readonly<Record<MachineFeature, boolean>>;

/**
 * The machine assumed when nobody says: none of the features. Lessons written for it work on
 * every machine (dnsrr and host-mode publishing work with IPVS too).
 */
export const BASELINE_FEATURES: MachineFeatures = Object.freeze({ ipvs: false });

/** Every combination of features, the baseline first: the variants `lessons:check` validates. */
export function featureCombinations(): MachineFeatures[] {
  let combinations: Record<string, boolean>[] = [{}];
  for (const feature of MACHINE_FEATURES) {
    combinations = combinations.flatMap((partial) => [false, true].map((value) => ({ ...partial, [feature]: value })));
  }
  return combinations as MachineFeatures[];
}

/** "ipvs", "no ipvs": how a variant is named in messages. */
export function describeFeatures(features: MachineFeatures): string {
  return MACHINE_FEATURES.map((feature) => (features[feature] ? feature : `no ${feature}`)).join(', ');
}

export type ConditionIssue = { line: number; message: string };

type Directive =
  | { kind: 'if'; feature: MachineFeature; negated: boolean }
  | { kind: 'else' }
  | { kind: 'end' }
  /** Reported; `acts` keeps the structure so that one mistake does not cascade into more. */
  | { kind: 'invalid'; message: string; acts: 'if' | 'else' | 'end' };

const DIRECTIVE = /^\s*<!--\s*(if|else|end)\b(.*?)\s*-->\s*$/;
/** Directives of other template languages, reported instead of silently left as comments. */
const LOOKALIKE = /^\s*<!--\s*(endif|fi|elif|elsif|elseif|else\s+if|ifdef|ifndef|unless)\b.*-->\s*$/;
const LOOKALIKE_ACTS: Record<string, 'if' | 'else' | 'end'> = { endif: 'end', fi: 'end', ifdef: 'if', ifndef: 'if', unless: 'if' };
const FENCE = /^\s*(`{3,}|~{3,})/;

function parseDirective(line: string): Directive | undefined {
  const lookalike = LOOKALIKE.exec(line);
  if (lookalike) {
    const word = lookalike[1]!.replace(/\s+/, ' ');
    return {
      kind: 'invalid',
      message: `"${word}" is not a lesson directive: write <!-- if FEATURE -->, <!-- if not FEATURE -->, <!-- else --> and <!-- end -->`,
      acts: LOOKALIKE_ACTS[word] ?? 'else',
    };
  }
  const match = DIRECTIVE.exec(line);
  if (!match) return undefined;
  const keyword = match[1] as 'if' | 'else' | 'end';
  const rest = match[2]!.trim();
  if (keyword !== 'if') {
    if (rest === '') return { kind: keyword };
    return {
      kind: 'invalid',
      message: `<!-- ${keyword} --> takes nothing after it (found "${rest}")${keyword === 'else' ? '; to test another condition, nest an <!-- if --> inside the else' : ''}`,
      acts: keyword,
    };
  }
  const condition = /^(not\s+)?([a-z][a-z0-9-]*)$/.exec(rest);
  if (!condition) {
    return {
      kind: 'invalid',
      message: `"<!-- if ${rest} -->": a condition is one machine feature, optionally preceded by "not" (features: ${MACHINE_FEATURES.join(', ')}); an ordinary comment must not start with if, else or end`,
      acts: 'if',
    };
  }
  const feature = condition[2]!;
  if (!(MACHINE_FEATURES as readonly string[]).includes(feature)) {
    return { kind: 'invalid', message: `unknown machine feature "${feature}" in "<!-- if ${rest} -->" (features: ${MACHINE_FEATURES.join(', ')})`, acts: 'if' };
  }
  return { kind: 'if', feature: feature as MachineFeature, negated: condition[1] !== undefined };
}

type Frame = { line: number; text: string; value: boolean; inElse: boolean; elseLine?: number };

/**
 * The text a machine with `features` gets: lines of branches it does not take, and every
 * directive line, become empty lines. `firstLine` is the file line of the text's first line.
 * Directives are recognized outside fenced code blocks only; one inside a block is an error
 * (usually a block left unclosed), as are unknown features and unbalanced if/else/end.
 */
export function selectForFeatures(
  text: string,
  features: MachineFeatures,
  firstLine = 1,
): { text: string; issues: ConditionIssue[] } {
  const issues: ConditionIssue[] = [];
  const stack: Frame[] = [];
  const active = () => stack.every((frame) => frame.value !== frame.inElse);
  let fence: { marker: string; line: number } | undefined;
  const lines = text.split('\n');
  const output = lines.map((line, index) => {
    const number = firstLine + index;
    if (fence) {
      const closing = FENCE.exec(line);
      if (closing && closing[1]![0] === fence.marker[0] && closing[1]!.length >= fence.marker.length && line.trim() === closing[1]) {
        fence = undefined;
      } else if (parseDirective(line)) {
        issues.push({ line: number, message: `"${line.trim()}" is inside the code block opened on line ${fence.line}: close the block first (directives work only outside code blocks)` });
      }
      return active() ? line : '';
    }
    const directive = parseDirective(line);
    if (!directive) {
      const opening = FENCE.exec(line);
      if (opening) fence = { marker: opening[1]!, line: number };
      return active() ? line : '';
    }
    if (directive.kind === 'invalid') issues.push({ line: number, message: directive.message });
    const acts = directive.kind === 'invalid' ? directive.acts : directive.kind;
    if (acts === 'if') {
      // An invalid condition keeps its first branch, whatever the machine: it is reported anyway.
      const value = directive.kind === 'if' ? features[directive.feature] !== directive.negated : true;
      stack.push({ line: number, text: line.trim(), value, inElse: false });
    } else if (acts === 'else') {
      const frame = stack.at(-1);
      if (directive.kind === 'invalid') {
        if (frame && !frame.inElse) Object.assign(frame, { inElse: true, elseLine: number });
      } else if (!frame) issues.push({ line: number, message: '<!-- else --> without an <!-- if ... --> before it' });
      else if (frame.inElse) issues.push({ line: number, message: `a second <!-- else --> for "${frame.text}" (line ${frame.line}); its first is on line ${frame.elseLine}` });
      else Object.assign(frame, { inElse: true, elseLine: number });
    } else if (!stack.pop() && directive.kind !== 'invalid') {
      issues.push({ line: number, message: '<!-- end --> without an <!-- if ... --> before it' });
    }
    return '';
  });
  for (const frame of stack) issues.push({ line: frame.line, message: `"${frame.text}" has no <!-- end -->` });
  return { text: output.join('\n'), issues: issues.sort((a, b) => a.line - b.line) };
}

/**
 * Issues of several variants as one list: an issue every variant has is listed once, as is;
 * one that only some variants have says which ("... (on machines with ipvs)").
 */
export function mergeVariantIssues(variants: readonly { features: MachineFeatures; issues: readonly LessonIssue[] }[]): LessonIssue[] {
  const seen = new Map<string, { issue: LessonIssue; variants: MachineFeatures[] }>();
  for (const { features, issues } of variants) {
    for (const issue of issues) {
      const key = `${issue.file}\n${issue.line}\n${issue.message}`;
      const entry = seen.get(key) ?? { issue, variants: [] };
      if (!entry.variants.includes(features)) entry.variants.push(features);
      seen.set(key, entry);
    }
  }
  const merged = [...seen.values()].map(({ issue, variants: found }) =>
    found.length === variants.length
      ? issue
      : { ...issue, message: `${issue.message} (on machines with ${found.map(describeFeatures).join(' or with ')})` },
  );
  // Stable: within a line, issues keep the order the parser found them in.
  return merged.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}
