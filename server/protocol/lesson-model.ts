/**
 * The one typed model of a lesson, shared by the server and the web. A Lesson is what
 * `parseLesson` (server/lessons/parse.ts) makes of a lessons/NN-slug.md file (or a
 * translation merged onto it).
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { Check } from './checks';
import { NodeName } from './nodes';

export const Slug = lazySchema(() =>
  z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected lowercase words joined by "-", such as running-containers'),
);

/**
 * run: a click types it into the terminal and runs it. copy: copy-only. solution: revealed on
 * demand and executed by golden runs. wrong: a deliberately wrong action for golden runs.
 */
export const BlockKind = lazySchema(() => z.enum(['run', 'copy', 'solution', 'wrong']));
export type BlockKind = z.infer<typeof BlockKind>;

export const Block = lazySchema(() => z.object({ kind: BlockKind, code: z.string(), node: NodeName, lang: z.string() }));
export type Block = z.infer<typeof Block>;

/** One answer of a quiz; the texts are sanitized HTML (inline markdown in the lesson file). */
export const QuizChoice = lazySchema(() => z.object({ answer: z.string(), correct: z.boolean(), why: z.string() }));
export type QuizChoice = z.infer<typeof QuizChoice>;

/**
 * A question about a concept that leaves no state to check (CMD vs ENTRYPOINT, mutable tags):
 * answered in the page, each choice explaining itself; exactly one choice is correct.
 */
export const Quiz = lazySchema(() => z.object({ question: z.string(), choices: z.array(QuizChoice) }));
export type Quiz = z.infer<typeof Quiz>;

export const Step = lazySchema(() =>
  z.object({
    id: Slug,
    title: z.string(),
    /**
     * Sanitized HTML of the step's prose. Run and copy blocks stay in place as
     * `<pre class="slipway-block" data-block="N" ...>`, N indexing `blocks`.
     */
    html: z.string(),
    blocks: z.array(Block),
    /** Sanitized HTML, revealed one at a time. */
    hints: z.array(z.string()),
    checks: z.array(Check),
    quizzes: z.array(Quiz),
    /**
     * A "your turn" step: it states only the goal (no run block; hints and solution on demand)
     * and is checked on the state it leaves.
     */
    task: z.boolean(),
  }),
);
export type Step = z.infer<typeof Step>;

/** The modules of the course, in course order; each lesson belongs to one. */
export const MODULES = [
  { id: 'basics', title: 'Basics' },
  { id: 'images', title: 'Images' },
  { id: 'data-and-networks', title: 'Data and networks' },
  { id: 'registries', title: 'Registries' },
  { id: 'operating', title: 'Operating engines and applications' },
  { id: 'clusters', title: 'Clusters' },
  { id: 'podman', title: 'Podman' },
] as const;
export const ModuleId = lazySchema(() => z.enum(MODULES.map((module) => module.id) as [ModuleId, ...ModuleId[]]));
export type ModuleId = (typeof MODULES)[number]['id'];

/**
 * What the lesson's nodes must not hold when it starts, so that it works from any state a
 * learner can reach (the previous lesson's swarm, a container still publishing 8080). When the
 * lesson opens, Slipway lists what it would remove and does so once the learner confirms.
 */
export const StartState = lazySchema(() =>
  z.strictObject({
    /** `false`: the nodes must not be part of a swarm (they leave it, and its services go). */
    swarm: z.literal(false).optional(),
    /** Host ports no container may publish (such containers are removed). */
    ports: z.array(z.number().int().min(1).max(65535)).optional(),
    /** Names of containers, volumes and networks the lesson creates itself (removed if present). */
    containers: z.array(z.string().min(1)).optional(),
    volumes: z.array(z.string().min(1)).optional(),
    networks: z.array(z.string().min(1)).optional(),
  }),
);
export type StartState = z.infer<typeof StartState>;

/** The YAML front matter of an original lesson. */
export const FrontMatter = lazySchema(() =>
  z.strictObject({
    id: Slug,
    title: z.string().min(1),
    summary: z.string().min(1),
    /** Must equal the NN of the file name. */
    order: z.number().int().min(1),
    /** Estimated minutes to complete. */
    minutes: z.number().int().min(1).max(240),
    /** Sandbox nodes the lesson needs (node1 .. nodeN). */
    nodes: z.number().int().min(1).max(9).default(1),
    /** Catalog images the lesson uses; the sandbox has them before the lesson starts. */
    images: z.array(z.string().min(1)).default([]),
    /** The module of the course it belongs to (MODULES). */
    module: ModuleId,
    /** The state it starts from (see StartState); nothing to prepare when absent. */
    start: StartState.default({}),
  }),
);
export type FrontMatter = z.infer<typeof FrontMatter>;

/** A translation may override only the texts; everything else comes from the original. */
export const TranslationFrontMatter = lazySchema(() =>
  z.strictObject({
    title: z.string().min(1).optional(),
    summary: z.string().min(1).optional(),
    /** Which English it was made from: the first 12 hex digits of the original file's sha256. */
    source: z
      .string({
        error: (issue) => (typeof issue.input === 'number' ? 'a string: put the digits in quotes (source: "012345678901"), or YAML reads them as a number' : undefined),
      })
      .regex(/^[0-9a-f]{12}$/, 'the first 12 hex digits of the sha256 of the original file (sha256sum FILE | cut -c1-12)'),
  }),
);

export const Lesson = lazySchema(() =>
  FrontMatter.extend({
    /** "en" for originals; a translation's suffix (NN-slug.zh.md) otherwise. */
    locale: z.string(),
    /** Sanitized HTML of the prose before the first step. */
    intro: z.string(),
    /** A translation made from an earlier version of its original (see TranslationFrontMatter.source). */
    outdated: z.boolean().optional(),
    steps: z.array(Step),
  }),
);
export type Lesson = z.infer<typeof Lesson>;

export { ORIGINAL_LOCALE } from './locale';

/** A quiz's answer as the learner gave it: which choice of which quiz of which step. */
export type QuizAnswer = { stepId: string; quiz: number; choice: number };

/** Whether every quiz of the step has been answered with its correct choice (vacuously true). */
export function quizzesSolved(step: Step, answers: readonly QuizAnswer[]): boolean {
  return step.quizzes.every((quiz, index) => {
    const answer = answers.find((candidate) => candidate.stepId === step.id && candidate.quiz === index);
    return answer !== undefined && quiz.choices[answer.choice]?.correct === true;
  });
}

/** What golden runs execute for a step: its solution blocks, or else its run blocks. */
export function solutionOf(step: Step): Block[] {
  const solution = step.blocks.filter((block) => block.kind === 'solution');
  return solution.length > 0 ? solution : step.blocks.filter((block) => block.kind === 'run');
}
