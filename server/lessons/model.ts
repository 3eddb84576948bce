/**
 * The one typed model of a lesson, shared by the server and the web. A Lesson is what
 * `parseLesson` makes of a lessons/NN-slug.md file (or a translation merged onto it).
 */
import { z } from 'zod';
import { Check, NodeName } from '../checks/schema';

export const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected lowercase words joined by "-", such as running-containers');

/**
 * run: a click types it into the terminal and runs it. copy: copy-only. solution: revealed on
 * demand and executed by golden runs. wrong: a deliberately wrong action for golden runs.
 */
export const BlockKind = z.enum(['run', 'copy', 'solution', 'wrong']);
export type BlockKind = z.infer<typeof BlockKind>;

export const Block = z.object({ kind: BlockKind, code: z.string(), node: NodeName, lang: z.string() });
export type Block = z.infer<typeof Block>;

export const Step = z.object({
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
});
export type Step = z.infer<typeof Step>;

/** The YAML front matter of an original lesson. */
export const FrontMatter = z.strictObject({
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
});
export type FrontMatter = z.infer<typeof FrontMatter>;

/** A translation may override only the texts; everything else comes from the original. */
export const TranslationFrontMatter = z.strictObject({
  title: z.string().min(1).optional(),
  summary: z.string().min(1).optional(),
});

export const Lesson = FrontMatter.extend({
  /** "en" for originals; a translation's suffix (NN-slug.zh.md) otherwise. */
  locale: z.string(),
  /** Sanitized HTML of the prose before the first step. */
  intro: z.string(),
  steps: z.array(Step),
});
export type Lesson = z.infer<typeof Lesson>;

export const ORIGINAL_LOCALE = 'en';

/** What golden runs execute for a step: its solution blocks, or else its run blocks. */
export function solutionOf(step: Step): Block[] {
  const solution = step.blocks.filter((block) => block.kind === 'solution');
  return solution.length > 0 ? solution : step.blocks.filter((block) => block.kind === 'run');
}
