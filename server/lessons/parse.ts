/**
 * Lesson files to Lessons. A lesson is markdown with YAML front matter; each "## " heading
 * starts a step; fenced blocks say what they are in their info string (```sh run node=node2).
 * Every problem is collected with its line, so an author sees them all at once.
 */
import type { Tokens } from 'marked';
import { z } from 'zod';
import { normalizeImageRef } from '../engine-state/image-ref';
import { CHECK_SCHEMAS, CHECK_TYPES, isCheckType, type Check } from '../protocol/checks';
import type { LessonIssue, LessonResult } from './issues';
import { BASELINE_FEATURES, selectForFeatures, type MachineFeatures } from './features';
import { escapeHtml, lex, plainText, rawHtmlIn, render, renderMarkdown } from './markdown';
import {
  FrontMatter,
  ORIGINAL_LOCALE,
  Slug,
  TranslationFrontMatter,
  type Block,
  type BlockKind,
  type Lesson,
  type Quiz,
  type Step,
} from '../protocol/lesson-model';
import { parseQuiz } from './quiz-source';
import { locateIssues, YamlSource } from './yaml-source';

/** lessons/NN-slug.md, or NN-slug.LOCALE.md for a translation. */
const FILE_NAME = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.([a-z]{2}(?:-[a-z]{2})?))?\.md$/;

export function lessonFileName(file: string): { order: number; slug: string; locale: string } | undefined {
  const match = FILE_NAME.exec(file.split(/[\\/]/).pop() ?? '');
  if (!match) return undefined;
  return { order: Number(match[1]), slug: match[2]!, locale: match[3] ?? ORIGINAL_LOCALE };
}

export type ParseOptions = {
  /** Images lessons may use; when given, front matter `images` must all be in it. */
  catalog?: readonly string[];
  /**
   * The machine the lesson is for: `<!-- if ipvs -->` ... `<!-- end -->` sections are kept or
   * dropped by it (see features.ts). Default: BASELINE_FEATURES (no IPVS).
   */
  features?: MachineFeatures;
  /**
   * The course's rule, which lessons/ is loaded with: a lesson ends with a "your turn" step,
   * so each ends by having the learner recall what it taught.
   */
  endWithTask?: boolean;
};

/** A translation follows its original's conditions, so it is selected for the same machine. */
export type TranslationOptions = Pick<ParseOptions, 'features'> & {
  /** The original file's digest now (sourceDigest); a translation made from another is outdated. */
  originalDigest?: string;
};

/** How a translation names the English it was made from: the first 12 hex digits of its sha256. */
export const DIGEST_LENGTH = 12;

export function parseLesson(source: string, file: string, options: ParseOptions = {}): LessonResult<Lesson> {
  const issues: LessonIssue[] = [];
  const report = (line: number, message: string) => issues.push({ file, line, message });
  const name = lessonFileName(file);
  if (!name || name.locale !== ORIGINAL_LOCALE) {
    report(1, 'a lesson file is named NN-slug.md, such as 02-running-containers.md');
  }
  const parts = splitFrontMatter(source, report);
  if (!parts) return { ok: false, issues };

  const yaml = new YamlSource(parts.yaml, parts.yamlLine);
  yaml.errors.forEach(({ line, message }) => report(line, `front matter: ${message}`));
  let front: FrontMatter | undefined;
  if (yaml.errors.length === 0) {
    const result = FrontMatter.safeParse(yaml.value ?? {});
    if (result.success) front = result.data;
    else {
      for (const { line, message } of locateIssues(yaml, [], result.error.issues, Object.keys(FrontMatter.shape))) {
        report(line, `front matter: ${message}`);
      }
    }
  }
  if (front && name) {
    if (front.id !== name.slug) report(yaml.lineAt(['id']), `front matter: id "${front.id}" must match the file name ("${name.slug}")`);
    if (front.order !== name.order) report(yaml.lineAt(['order']), `front matter: order ${front.order} must match the file name (${name.order})`);
  }
  if (front && options.catalog) {
    const available = new Set(options.catalog.map(normalizeImageRef));
    front.images.forEach((image, index) => {
      if (!available.has(normalizeImageRef(image))) {
        report(yaml.lineAt(['images', index]), `image "${image}" is not in the catalog (available: ${options.catalog!.join(', ')})`);
      }
    });
  }

  const body = parseBody(selectBody(parts, options.features, report), parts.bodyLine, front?.nodes ?? 1, report, 'original');
  if (body.steps.length === 0) report(parts.bodyLine, 'a lesson needs at least one step: start each with a "## " heading');
  for (const step of body.steps) {
    if (step.checks.length === 0 && step.quizBlocks === 0) {
      report(step.line, `step "${step.id}" has no check block: every step needs at least one check (or a quiz)`);
    }
    if (step.checks.length > 0 && !step.blocks.some((block) => block.kind === 'run' || block.kind === 'solution')) {
      report(step.line, `step "${step.id}" has neither a run nor a solution block, so golden runs cannot complete it`);
    }
    if (isTask(step) && step.checks.every((check) => check.type === 'command')) {
      report(step.line, `step "${step.id}" has no run block, so it is a "your turn" step: check the state it leaves, not only the command typed (add a check other than type: command)`);
    }
  }
  const last = body.steps.at(-1);
  if (options.endWithTask && last && !isTask(last)) {
    report(last.line, `the lesson ends with step "${last.id}", which has a run block: end with a "your turn" step that states only the goal (hints and a solution block, no run block) and checks the state it leaves`);
  }
  if (issues.length > 0 || !front) return { ok: false, issues: byLine(issues) };
  return {
    ok: true,
    value: {
      ...front,
      locale: ORIGINAL_LOCALE,
      intro: body.intro,
      steps: body.steps.map((step) => ({
        id: step.id,
        title: step.title,
        html: finishHtml(step.parts, step.blocks, displayedIndices(step.blocks)),
        blocks: step.blocks,
        hints: step.hints,
        checks: step.checks,
        quizzes: step.quizzes,
        task: isTask(step),
      })),
    },
  };
}

/** A step that gives no run block to click but has checks: the learner works out the commands. */
const isTask = (step: DraftStep) => step.checks.length > 0 && !step.blocks.some((block) => block.kind === 'run');

/**
 * A translation (NN-slug.LOCALE.md) replaces the texts of its original: title and summary in
 * front matter, the intro, and each step's title, prose and hints. Steps are matched by id
 * (give translated headings an explicit {#id}); they must be the original's, in its order, with
 * the same run and copy blocks (placed where the translated prose needs them) and as many hints.
 * Checks, solutions and wrong blocks belong to the original only.
 */
export function parseTranslation(source: string, file: string, original: Lesson, options: TranslationOptions = {}): LessonResult<Lesson> {
  const issues: LessonIssue[] = [];
  const report = (line: number, message: string) => issues.push({ file, line, message });
  const name = lessonFileName(file);
  if (!name || name.locale === ORIGINAL_LOCALE) report(1, 'a translation file is named NN-slug.LOCALE.md, such as 02-running-containers.zh.md');
  else if (name.slug !== original.id) report(1, `this translates "${name.slug}", not "${original.id}"`);
  const parts = splitFrontMatter(source, report);
  if (!parts) return { ok: false, issues };

  const yaml = new YamlSource(parts.yaml, parts.yamlLine);
  yaml.errors.forEach(({ line, message }) => report(line, `front matter: ${message}`));
  const front = TranslationFrontMatter.safeParse(yaml.value ?? {});
  if (yaml.errors.length === 0 && !front.success) {
    for (const { line, message } of locateIssues(yaml, [], front.error.issues, Object.keys(TranslationFrontMatter.shape))) {
      report(line, `front matter: ${message} (a translation gives title, summary and source)`);
    }
  }

  const body = parseBody(selectBody(parts, options.features, report), parts.bodyLine, original.nodes, report, 'translation');
  const translatedIds = body.steps.map((step) => step.id);
  const originalIds = original.steps.map((step) => step.id);
  if (translatedIds.join('\n') !== originalIds.join('\n')) {
    const missing = originalIds.filter((id) => !translatedIds.includes(id));
    const extra = translatedIds.filter((id) => !originalIds.includes(id));
    const detail = [
      missing.length > 0 && `missing ${missing.map((id) => `"${id}"`).join(', ')}`,
      extra.length > 0 && `unknown ${extra.map((id) => `"${id}"`).join(', ')}`,
      missing.length === 0 && extra.length === 0 && 'in a different order',
    ].filter(Boolean);
    report(body.steps[0]?.line ?? parts.bodyLine, `steps must match the original's (${originalIds.join(', ')}): ${detail.join('; ')}`);
  }

  const steps: Step[] = [];
  for (const translated of body.steps) {
    const step = original.steps.find((candidate) => candidate.id === translated.id);
    if (!step) continue;
    const displayed = displayedIndices(step.blocks);
    const expected = displayed.map((index) => step.blocks[index]!);
    const same =
      expected.length === translated.blocks.length &&
      expected.every((block, i) => {
        const other = translated.blocks[i]!;
        return block.kind === other.kind && block.code === other.code && block.node === other.node;
      });
    if (!same) {
      report(translated.line, `step "${step.id}": run and copy blocks must be the original's (${expected.length}), same code, same order`);
    }
    if (translated.hints.length !== step.hints.length) {
      report(translated.line, `step "${step.id}": has ${translated.hints.length} hints, the original has ${step.hints.length}`);
    }
    const checks = translateChecks(step, translated, (message) => report(translated.line, `step "${step.id}": ${message}`));
    const quizzes = translateQuizzes(step, translated, (message) => report(translated.line, `step "${step.id}": ${message}`));
    steps.push({ ...step, title: translated.title, html: finishHtml(translated.parts, step.blocks, displayed), hints: translated.hints, checks, quizzes });
  }
  if (issues.length > 0 || !front.success) return { ok: false, issues: byLine(issues) };
  const { source: madeFrom, ...texts } = front.data;
  return {
    ok: true,
    value: {
      ...original,
      ...texts,
      ...(options.originalDigest !== undefined && madeFrom !== options.originalDigest ? { outdated: true } : {}),
      locale: name!.locale,
      intro: body.intro,
      steps,
    },
  };
}

/**
 * The original's checks with the translation's titles: one check-text entry per check, in order;
 * a script check's entry also gives the failure text shown instead of the script's output.
 */
function translateChecks(step: Step, translated: DraftStep, report: (message: string) => void): Check[] {
  if (translated.checkTextBlocks === 0 && step.checks.length > 0) {
    report(`the original has ${step.checks.length} check(s); translate their titles in a check-text block`);
    return step.checks;
  }
  if (translated.checkTexts.length !== step.checks.length) {
    report(`check-text gives ${translated.checkTexts.length} title(s), the original's checks are ${step.checks.length}`);
    return step.checks;
  }
  return step.checks.map((check, index) => {
    const text = translated.checkTexts[index]!;
    if (check.type !== 'script') {
      if (text.reason !== undefined) report(`check-text entry ${index + 1}: only script checks take a "reason"`);
      return { ...check, title: text.title };
    }
    if (text.reason === undefined) report(`check-text entry ${index + 1} is a script check: give { title, reason }, what a learner is shown when it fails`);
    return { ...check, title: text.title, reason: text.reason ?? check.reason };
  });
}

/** Translated quizzes: the original's, choice for choice, with the same right answer. */
function translateQuizzes(step: Step, translated: DraftStep, report: (message: string) => void): Quiz[] {
  if (translated.quizBlocks !== step.quizzes.length) {
    report(`has ${translated.quizBlocks} quiz block(s), the original has ${step.quizzes.length}`);
    return step.quizzes;
  }
  if (translated.quizzes.length !== step.quizzes.length) return step.quizzes;
  step.quizzes.forEach((quiz, index) => {
    const other = translated.quizzes[index]!;
    const same = other.choices.length === quiz.choices.length && other.choices.every((choice, i) => choice.correct === quiz.choices[i]!.correct);
    if (!same) report(`quiz ${index + 1} must have the original's ${quiz.choices.length} choices in its order, the same one correct`);
  });
  return translated.quizzes;
}

/** In file order, as a compiler lists them (the sort is stable within a line). */
const byLine = (issues: LessonIssue[]) => issues.sort((a, b) => a.line - b.line);

// ---- front matter -------------------------------------------------------------------------

type Report = (line: number, message: string) => void;

function splitFrontMatter(source: string, report: Report) {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines[0]?.trimEnd() !== '---') {
    report(1, 'a lesson starts with YAML front matter between "---" lines');
    return undefined;
  }
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (end === -1) {
    report(1, 'the front matter has no closing "---" line');
    return undefined;
  }
  return {
    yaml: lines.slice(1, end).join('\n'),
    yamlLine: 2,
    body: lines.slice(end + 1).join('\n'),
    bodyLine: end + 2,
  };
}

// ---- body ---------------------------------------------------------------------------------

/** The body as this machine gets it: other branches blanked, line numbers kept. */
function selectBody(parts: { body: string; bodyLine: number }, features: MachineFeatures | undefined, report: Report): string {
  const selected = selectForFeatures(parts.body, features ?? BASELINE_FEATURES, parts.bodyLine);
  selected.issues.forEach(({ line, message }) => report(line, message));
  return selected.text;
}

type DraftStep = {
  id: string;
  title: string;
  line: number;
  /** HTML pieces; run and copy blocks are placeholders until the block indices are known. */
  parts: string[];
  blocks: Block[];
  hints: string[];
  checks: Check[];
  quizzes: Quiz[];
  /** Quiz blocks written, valid or not: an invalid one is reported itself, not as a missing check. */
  quizBlocks: number;
  /** A translation's check titles (and script failure texts), in the original's check order. */
  checkTexts: CheckText[];
  /** check-text blocks written, valid or not (an invalid one is reported itself). */
  checkTextBlocks: number;
};

const BLOCK_KINDS: readonly string[] = ['run', 'copy', 'solution', 'wrong'];
const EXPLICIT_ID = /\s*\{#([^}]*)\}\s*$/;

function parseBody(body: string, firstLine: number, nodes: number, report: Report, role: 'original' | 'translation') {
  const intro: string[] = [];
  const steps: DraftStep[] = [];
  let line = firstLine;
  for (const token of lex(body)) {
    const tokenLine = line + (/^\n*/.exec(token.raw)![0].length);
    line += token.raw.split('\n').length - 1;
    const step = steps.at(-1);
    for (const html of rawHtmlIn([token])) {
      report(tokenLine, `raw HTML is not allowed in lessons: ${JSON.stringify(html.slice(0, 40))} (put code in backticks, or write "\\<")`);
    }
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      if (heading.depth === 1) report(tokenLine, 'the lesson title comes from the front matter; start steps with "## "');
      if (heading.depth === 2) {
        steps.push(startStep(plainText(heading.tokens), tokenLine, steps, report));
        continue;
      }
    }
    if (token.type === 'code' && (token as Tokens.Code).codeBlockStyle !== 'indented') {
      const code = token as Tokens.Code;
      const info = parseInfo(code.lang ?? '', nodes, (message) => report(tokenLine, message));
      if (info.special || info.kind) {
        if (!step) {
          report(tokenLine, 'hint, check, quiz, run, copy, solution and wrong blocks belong inside a step (after a "## " heading)');
          continue;
        }
        if (role === 'translation' && (info.special === 'check' || info.kind === 'solution' || info.kind === 'wrong')) {
          const instead = info.special === 'check' ? ' (translate its titles in a check-text block)' : '';
          report(tokenLine, `${info.special ?? info.kind} blocks come from the original lesson; remove this one from the translation${instead}`);
          continue;
        }
        if (role === 'original' && info.special === 'check-text') {
          report(tokenLine, 'check-text blocks belong in translations; an original gives its titles in its check blocks');
          continue;
        }
        if (info.special === 'hint') {
          for (const html of rawHtmlIn(lex(code.text))) report(tokenLine, `raw HTML is not allowed in hints: ${JSON.stringify(html.slice(0, 40))}`);
          step.hints.push(renderMarkdown(code.text));
        } else if (info.special === 'check') {
          step.checks.push(...parseChecks(code.text, tokenLine + 1, step.checks.length, nodes, report));
        } else if (info.special === 'check-text') {
          step.checkTextBlocks++;
          step.checkTexts.push(...parseCheckTexts(code.text, tokenLine + 1, report));
        } else if (info.special === 'quiz') {
          step.quizBlocks++;
          const quiz = parseQuiz(code.text, tokenLine + 1, report);
          if (quiz) step.quizzes.push(quiz);
        } else {
          const block: Block = { kind: info.kind!, code: code.text, node: info.node, lang: info.lang };
          step.blocks.push(block);
          if (block.kind === 'run' || block.kind === 'copy') step.parts.push(PLACEHOLDER);
        }
        continue;
      }
    }
    (step?.parts ?? intro).push(render([token]));
  }
  return { intro: intro.join(''), steps };
}

function startStep(heading: string, line: number, steps: DraftStep[], report: Report): DraftStep {
  const explicit = EXPLICIT_ID.exec(heading);
  const title = heading.replace(EXPLICIT_ID, '').trim();
  let id = explicit ? explicit[1]!.trim() : slugify(title);
  if (explicit && !Slug.safeParse(id).success) report(line, `step id "${id}" must be lowercase words joined by "-"`);
  if (!id) {
    report(line, `step "${title}" needs an explicit id, such as "## ${title} {#first-container}"`);
    id = `step-${steps.length + 1}`;
  }
  if (steps.some((step) => step.id === id)) report(line, `two steps have the id "${id}"; give one an explicit {#id}`);
  return { id, title, line, parts: [], blocks: [], hints: [], checks: [], quizzes: [], quizBlocks: 0, checkTexts: [], checkTextBlocks: 0 };
}

export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

type Info = { lang: string; kind?: BlockKind; special?: 'hint' | 'check' | 'check-text' | 'quiz'; node: string };

/** "sh run node=node2" -> language, kind and node; unknown words are errors, not ignored. */
function parseInfo(text: string, nodes: number, report: (message: string) => void): Info {
  const [lang = '', ...words] = text.trim().split(/\s+/);
  const info: Info = { lang, node: 'node1' };
  if (lang === 'hint' || lang === 'check' || lang === 'check-text' || lang === 'quiz') info.special = lang;
  if (BLOCK_KINDS.includes(lang)) {
    report(`put the language first: "\`\`\`sh ${text.trim()}"`);
    return info;
  }
  for (const word of words) {
    const node = /^node=(.*)$/.exec(word);
    if (BLOCK_KINDS.includes(word) && !info.special && !info.kind) info.kind = word as BlockKind;
    else if (node && !info.special) {
      const number = /^node([1-9])$/.exec(node[1]!);
      if (!number) report(`"${word}": nodes are named node1, node2, ...`);
      else if (Number(number[1]) > nodes) report(`"${word}": the lesson has ${nodes} node(s); raise "nodes" in the front matter`);
      else info.node = node[1]!;
    } else {
      report(`unknown word "${word}" in "\`\`\`${text.trim()}" (expected one of run, copy, solution, wrong and node=nodeN)`);
    }
  }
  if (info.node !== 'node1' && !info.kind) report('node= applies only to run, copy, solution and wrong blocks');
  return info;
}

// ---- checks -------------------------------------------------------------------------------

function parseChecks(text: string, firstLine: number, before: number, nodes: number, report: Report): Check[] {
  const yaml = new YamlSource(text, firstLine);
  yaml.errors.forEach(({ line, message }) => report(line, `check block: ${message}`));
  if (yaml.errors.length > 0) return [];
  if (!Array.isArray(yaml.value) || yaml.value.length === 0) {
    report(firstLine, 'a check block is a YAML list: start each check with "- type: ..."');
    return [];
  }
  const checks: Check[] = [];
  yaml.value.forEach((item: unknown, index) => {
    const label = `check ${before + index + 1}`;
    const type = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>).type : undefined;
    if (!isCheckType(type)) {
      const problem = type === undefined ? 'missing field "type"' : `unknown check type ${JSON.stringify(type)}`;
      report(yaml.lineAt([index], type === undefined ? undefined : 'type'), `${label}: ${problem} (expected one of ${CHECK_TYPES.join(', ')})`);
      return;
    }
    const schema = CHECK_SCHEMAS[type];
    const result = schema.safeParse(item);
    if (!result.success) {
      for (const { line, message } of locateIssues(yaml, [index], result.error.issues, Object.keys(schema.shape))) {
        report(line, `${label}: ${message}`);
      }
      return;
    }
    const check = result.data as Check;
    if (Number(check.node.slice(4)) > nodes) {
      report(yaml.lineAt([index, 'node']), `${label}: the lesson has ${nodes} node(s), so there is no ${check.node}`);
      return;
    }
    checks.push(check);
  });
  return checks;
}

const CheckTextEntry = z.union([
  z.string().trim().min(1).transform((title) => ({ title, reason: undefined as string | undefined })),
  z.strictObject({ title: z.string().trim().min(1), reason: z.string().trim().min(1) }),
]);
type CheckText = z.infer<typeof CheckTextEntry>;

/** A translation's ```check-text block: a YAML list of titles, or { title, reason } for scripts. */
function parseCheckTexts(text: string, firstLine: number, report: Report): CheckText[] {
  const yaml = new YamlSource(text, firstLine);
  yaml.errors.forEach(({ line, message }) => report(line, `check-text block: ${message}`));
  if (yaml.errors.length > 0) return [];
  if (!Array.isArray(yaml.value) || yaml.value.length === 0) {
    report(firstLine, 'a check-text block is a YAML list: one title per check of the original, in order');
    return [];
  }
  return yaml.value.flatMap((item: unknown, index) => {
    const entry = CheckTextEntry.safeParse(item);
    if (entry.success) return [entry.data];
    report(yaml.lineAt([index]), `check-text entry ${index + 1}: a title, or { title, reason } for a script check`);
    return [];
  });
}

// ---- HTML ---------------------------------------------------------------------------------

const PLACEHOLDER = '<slipway-block>';

/** Positions in `blocks` of the blocks shown in the prose (run and copy), in order. */
function displayedIndices(blocks: readonly Block[]): number[] {
  return blocks.flatMap((block, index) => (block.kind === 'run' || block.kind === 'copy' ? [index] : []));
}

/**
 * Replaces the nth placeholder with the nth displayed block, pointing at `indices[n]` in
 * `blocks`. Placeholders cannot come from lesson text: raw "<" there is escaped.
 */
function finishHtml(parts: string[], blocks: readonly Block[], indices: number[]): string {
  let ordinal = 0;
  return parts
    .join('')
    .replaceAll(PLACEHOLDER, () => {
      const index = indices[ordinal++];
      const block = index === undefined ? undefined : blocks[index];
      if (!block) return '';
      return (
        `<pre class="slipway-block" data-block="${index}" data-kind="${block.kind}" data-node="${block.node}">` +
        `<code class="language-${escapeHtml(block.lang)}">${escapeHtml(block.code)}</code></pre>\n`
      );
    });
}
