/**
 * Reads every lesson in a directory: originals (NN-slug.md) first, then their translations
 * (NN-slug.LOCALE.md) merged onto them, as the lessons of one machine (its features select
 * the `<!-- if ... -->` sections). The only lesson module that touches the file system.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CATALOG_IMAGES } from './catalog';
import { BASELINE_FEATURES, featureCombinations, mergeVariantIssues, type MachineFeatures } from './features';
import type { LessonIssue } from './issues';
import { MODULES, ORIGINAL_LOCALE, type Lesson } from '../protocol/lesson-model';
import { DIGEST_LENGTH, lessonFileName, parseLesson, parseTranslation } from './parse';

export type LoadedLessons = {
  /** Originals, in course order. */
  lessons: Lesson[];
  /** Translated lessons by locale, in course order. */
  translations: Record<string, Lesson[]>;
  issues: LessonIssue[];
  /** Translations made from an earlier version of their original: to review, not errors. */
  outdated: LessonIssue[];
  /** The machine these lessons were selected for. */
  features: MachineFeatures;
};

export type LoadOptions = {
  /** Images lessons may use (default: the image catalog). */
  catalog?: readonly string[];
  /** The machine the lessons are for (default: BASELINE_FEATURES, no IPVS). */
  features?: MachineFeatures;
};

export async function loadLessons(directory: string, options: LoadOptions = {}): Promise<LoadedLessons> {
  const { catalog = CATALOG_IMAGES, features = BASELINE_FEATURES } = options;
  const names = (await readdir(directory)).filter((name) => name.endsWith('.md')).sort();
  const issues: LessonIssue[] = [];
  // Issues name files as an author sees them in the repository, e.g. lessons/01-x.md.
  const display = (name: string) => path.relative(process.cwd(), path.join(directory, name)) || name;
  const read = (name: string) => readFile(path.join(directory, name), 'utf8');

  const originals = new Map<string, Lesson>();
  const digests = new Map<string, string>();
  /** Where each lesson names its module, for issues about the modules' order. */
  const moduleLines = new Map<string, { file: string; line: number }>();
  const translationFiles: string[] = [];
  for (const name of names) {
    const parsed = lessonFileName(name);
    if (parsed && parsed.locale !== ORIGINAL_LOCALE) {
      translationFiles.push(name);
      continue;
    }
    const text = await read(name);
    const result = parseLesson(text, display(name), { catalog, features, endWithTask: true });
    if (!result.ok) {
      issues.push(...result.issues);
      continue;
    }
    const lesson = result.value;
    const clash = [...originals.values()].find((other) => other.order === lesson.order);
    if (clash) issues.push({ file: display(name), line: 1, message: `order ${lesson.order} is also used by "${clash.id}"` });
    originals.set(lesson.id, lesson);
    digests.set(lesson.id, createHash('sha256').update(text).digest('hex').slice(0, DIGEST_LENGTH));
    moduleLines.set(lesson.id, { file: display(name), line: text.split('\n').findIndex((row) => /^module:/.test(row)) + 1 });
  }

  const translations: Record<string, Lesson[]> = {};
  const outdated: LessonIssue[] = [];
  for (const name of translationFiles) {
    const { slug, locale } = lessonFileName(name)!;
    const original = originals.get(slug);
    if (!original) {
      // An original that failed to parse has already been reported.
      if (!names.some((other) => lessonFileName(other)?.slug === slug && lessonFileName(other)?.locale === ORIGINAL_LOCALE)) {
        issues.push({ file: display(name), line: 1, message: `no original lesson "${slug}" to translate` });
      }
      continue;
    }
    const originalDigest = digests.get(slug)!;
    const result = parseTranslation(await read(name), display(name), original, { features, originalDigest });
    if (!result.ok) {
      issues.push(...result.issues);
      continue;
    }
    (translations[locale] ??= []).push(result.value);
    if (result.value.outdated) {
      outdated.push({ file: display(name), line: 1, message: `translated from an earlier version of ${original.id}: review it against the English, then set source: "${originalDigest}"` });
    }
  }

  const byOrder = (a: Lesson, b: Lesson) => a.order - b.order;
  Object.values(translations).forEach((list) => list.sort(byOrder));
  const lessons = [...originals.values()].sort(byOrder);
  issues.push(...moduleOrderIssues(lessons, (lesson) => moduleLines.get(lesson.id)!));
  return { lessons, translations, issues, outdated, features };
}

/**
 * The catalog shows the course module by module, so a module's lessons must be consecutive
 * and the modules in MODULES order: a lesson filed under an earlier module than the lesson
 * before it is out of place.
 */
export function moduleOrderIssues(lessons: readonly Lesson[], where: (lesson: Lesson) => { file: string; line: number }): LessonIssue[] {
  const rank = (lesson: Lesson) => MODULES.findIndex((module) => module.id === lesson.module);
  return lessons.flatMap((lesson, index) => {
    const previous = lessons[index - 1];
    if (!previous || rank(previous) <= rank(lesson)) return [];
    return [{
      ...where(lesson),
      message: `module "${lesson.module}" comes before "${previous.module}" (of "${previous.id}", the lesson before): modules follow each other in the order ${MODULES.map((module) => module.id).join(', ')}`,
    }];
  });
}

/**
 * The lessons as every kind of machine gets them (one variant per combination of features),
 * for validation: a lesson must be valid on each. `issues` merges the variants' issues, naming
 * the variants an issue occurs in when not all of them.
 */
export async function loadLessonVariants(
  directory: string,
  options: Pick<LoadOptions, 'catalog'> = {},
): Promise<{ variants: LoadedLessons[]; issues: LessonIssue[] }> {
  const variants: LoadedLessons[] = [];
  for (const features of featureCombinations()) variants.push(await loadLessons(directory, { ...options, features }));
  return { variants, issues: mergeVariantIssues(variants) };
}
