/**
 * The lessons the server offers, loaded once at start. An invalid lesson is logged
 * (`file:line: message`) and left out; it never stops the server.
 */
import { CATALOG_IMAGES } from './catalog';
import { BASELINE_FEATURES, describeFeatures, type MachineFeatures } from './features';
import { formatIssue } from './issues';
import { loadLessons } from './load';
import { ORIGINAL_LOCALE, type Lesson } from '../protocol/lesson-model';

export class LessonLibrary {
  readonly #originals = new Map<string, Lesson>();
  readonly #translations = new Map<string, Map<string, Lesson>>();

  constructor(originals: readonly Lesson[], translations: Record<string, readonly Lesson[]> = {}) {
    for (const lesson of originals) this.#originals.set(lesson.id, lesson);
    for (const [locale, list] of Object.entries(translations)) {
      for (const lesson of list) {
        if (!this.#translations.has(lesson.id)) this.#translations.set(lesson.id, new Map());
        this.#translations.get(lesson.id)!.set(locale, lesson);
      }
    }
  }

  /** Originals in course order. */
  get lessons(): Lesson[] {
    return [...this.#originals.values()];
  }

  /** The original: its steps, checks, nodes and start are the lesson's in every language (a translation changes texts only). */
  original(id: string): Lesson | undefined {
    return this.#originals.get(id);
  }

  /** The lesson in `locale` when translated, else the original: what a learner reads, and the check titles and script reasons they are judged with. */
  get(id: string, locale: string = ORIGINAL_LOCALE): Lesson | undefined {
    return this.#translations.get(id)?.get(locale) ?? this.#originals.get(id);
  }

  locales(id: string): string[] {
    if (!this.#originals.has(id)) return [];
    return [ORIGINAL_LOCALE, ...(this.#translations.get(id)?.keys() ?? [])];
  }
}

/**
 * `features`: the machine the sandboxes run on (server/engine/kernel-features.ts detects it);
 * lessons show the sections written for it.
 */
export async function loadLibrary(
  directory: string,
  log: (line: string) => void,
  features: MachineFeatures = BASELINE_FEATURES,
): Promise<LessonLibrary> {
  try {
    const { lessons, translations, issues } = await loadLessons(directory, { catalog: CATALOG_IMAGES, features });
    for (const issue of issues) log(`lesson skipped: ${formatIssue(issue)}`);
    log(`${lessons.length} lessons loaded from ${directory} for a machine with ${describeFeatures(features)}`);
    return new LessonLibrary(lessons, translations);
  } catch (error) {
    log(`no lessons: ${(error as Error).message}`);
    return new LessonLibrary([]);
  }
}
