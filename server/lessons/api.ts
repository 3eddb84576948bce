/**
 * The lesson catalog over HTTP, with the asking learner's progress:
 *   GET /api/lessons?locale=en|zh       -> LessonList
 *   GET /api/lessons/:id?locale=en|zh   -> LessonDetail, or 404 LESSON_NOT_FOUND
 * A locale Slipway does not speak is answered with 400 INVALID_REQUEST.
 * Answers as data (status + body); server/http/app.ts writes them.
 */
import { ERRORS, type ErrorCode } from '../protocol/errors';
import { LESSONS_API, type LessonDetail, type LessonList } from '../protocol/lessons';
import type { LessonLibrary } from './library';
import { MODULES, ORIGINAL_LOCALE } from '../protocol/lesson-model';
import { Locale } from '../protocol/locale';
import type { ProgressStore } from './store';

export type ApiAnswer = { status: number; body: unknown };

const errorAnswer = (code: ErrorCode): ApiAnswer => ({ status: ERRORS[code].status, body: { error: code, message: ERRORS[code].message } });

/** Null when the path is not the lessons API's. `learner` is null for a request without cookie. */
export function lessonsApi(url: URL, learner: string | null, library: LessonLibrary, store: ProgressStore): ApiAnswer | null {
  if (url.pathname !== LESSONS_API && !url.pathname.startsWith(`${LESSONS_API}/`)) return null;
  const asked = Locale.safeParse(url.searchParams.get('locale') ?? ORIGINAL_LOCALE);
  if (!asked.success) return errorAnswer('INVALID_REQUEST');
  const locale = asked.data;
  const rest = url.pathname.slice(LESSONS_API.length + 1);

  if (rest === '') {
    const counts = learner ? store.completedCounts(learner) : new Map<string, number>();
    const list: LessonList = {
      locale,
      lessons: library.lessons.map((original) => {
        const lesson = library.get(original.id, locale)!;
        return {
          id: lesson.id,
          title: lesson.title,
          summary: lesson.summary,
          order: lesson.order,
          minutes: lesson.minutes,
          locales: library.locales(lesson.id),
          steps: lesson.steps.length,
          completedSteps: Math.min(counts.get(lesson.id) ?? 0, lesson.steps.length),
          module: lesson.module,
          ...(lesson.outdated ? { outdated: true } : {}),
        };
      }),
      modules: MODULES.map(({ id, title }) => ({ id, title })),
      resume: learner ? resumePoint(store.lastVisited(learner), library) : null,
    };
    return { status: 200, body: list };
  }

  const lesson = library.get(decodeURIComponent(rest), locale);
  if (!lesson || rest.includes('/')) return errorAnswer('LESSON_NOT_FOUND');
  const detail: LessonDetail = {
    lesson,
    locales: library.locales(lesson.id),
    progress: learner ? store.progress(learner, lesson.id) : { completedSteps: [], currentStep: null, quizAnswers: [] },
  };
  return { status: 200, body: detail };
}

/** The last step the learner selected, if its lesson and step still exist. */
function resumePoint(last: { lessonId: string; stepId: string } | null, library: LessonLibrary) {
  const lesson = last ? library.original(last.lessonId) : undefined;
  return last && lesson?.steps.some((step) => step.id === last.stepId) ? last : null;
}
