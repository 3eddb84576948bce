/**
 * What lessons put on the wire: the live verdicts of the selected step's checks and the
 * learner's progress (WebSocket), and the lesson catalog (HTTP, `GET /api/lessons` and
 * `GET /api/lessons/:id`). Zod schemas, so the browser validates what it receives.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { Lesson, Slug } from './lesson-model';
import { Locale } from './locale';

/** The explorer element a check is about (server/checks/subject.ts), marked there while it fails. */
export const CheckSubject = lazySchema(() =>
  z.object({
    kind: z.enum(['container', 'image', 'network', 'volume', 'service']),
    /** Images as "repository:tag", as the explorer lists their tags. */
    name: z.string(),
  }),
);
export type CheckSubject = z.infer<typeof CheckSubject>;

export const CheckVerdict = lazySchema(() =>
  z.object({
    title: z.string(),
    passed: z.boolean(),
    /** Why it passed or, above all, why not, in the learner's terms. */
    reason: z.string(),
    /** True while a file or script check has not been looked at yet. */
    pending: z.boolean().optional(),
    /** Absent for checks about no element (command, file, script, swarm) and from older servers. */
    subject: CheckSubject.optional(),
  }),
);
export type CheckVerdict = z.infer<typeof CheckVerdict>;

export const LessonProgress = lazySchema(() =>
  z.object({
    /** Ids of the steps whose checks all passed once. */
    completedSteps: z.array(z.string()),
    /** The step the learner last selected, if any. */
    currentStep: z.string().nullable(),
    /** The learner's latest answer to each quiz they answered (absent from older servers). */
    quizAnswers: z.array(z.object({ stepId: z.string(), quiz: z.number().int().min(0), choice: z.number().int().min(0) })).default([]),
  }),
);
export type LessonProgress = z.infer<typeof LessonProgress>;

// ---- WebSocket messages (members of the unions in messages.ts) ----------------------------

export const LessonSelectMessage = lazySchema(() =>
  z.object({
    type: z.literal('lesson-select'),
    lessonId: Slug,
    stepId: Slug,
    /** The learner has just opened the lesson (not a step change or a reconnection): check its start state again. */
    opened: z.boolean().optional(),
    /** The page's language: check titles, reasons and the server's notices are worded in it from now on (absent: as before, English at first). */
    locale: Locale.optional(),
  }),
);
export const CheckNowMessage = lazySchema(() => z.object({ type: z.literal('check-now') }));
export const LessonResetMessage = lazySchema(() => z.object({ type: z.literal('lesson-reset'), lessonId: Slug }));
/** The learner picked a choice of a quiz of a step; kept in their progress. */
export const QuizAnswerMessage = lazySchema(() =>
  z.object({
    type: z.literal('quiz-answer'),
    lessonId: Slug,
    stepId: Slug,
    quiz: z.number().int().min(0).max(20),
    choice: z.number().int().min(0).max(20),
  }),
);
/** The learner confirmed the preparation a `lesson-start` listed: Slipway carries it out. */
export const LessonPrepareMessage = lazySchema(() => z.object({ type: z.literal('lesson-prepare'), lessonId: Slug }));

export const VerdictsMessage = lazySchema(() =>
  z.object({
    type: z.literal('verdicts'),
    lessonId: z.string(),
    stepId: z.string(),
    verdicts: z.array(CheckVerdict),
    /** Every check passed. */
    complete: z.boolean(),
  }),
);
export const ProgressMessage = lazySchema(() => LessonProgress.extend({ type: z.literal('progress'), lessonId: z.string() }));

/** One thing Slipway would remove to bring a node to the state a lesson starts from. */
export const StartAction = lazySchema(() =>
  z.object({
    node: z.string(),
    kind: z.enum(['leave-swarm', 'remove-container', 'remove-volume', 'remove-network']),
    /** The container, volume or network (absent for leave-swarm). */
    target: z.string().optional(),
    /** In the learner's terms: "node2 leaves its swarm (a manager; services web, ping go with it)". */
    description: z.string(),
  }),
);
export type StartAction = z.infer<typeof StartAction>;

/**
 * The opened lesson's start state against the session's: what would be removed (the page
 * asks before sending `lesson-prepare`), or, with `actions` empty, that nothing stands in the
 * way (also after a preparation; `failures` then lists what could not be done).
 */
export const LessonStartMessage = lazySchema(() =>
  z.object({
    type: z.literal('lesson-start'),
    lessonId: z.string(),
    actions: z.array(StartAction),
    failures: z.array(z.string()).default([]),
  }),
);

// ---- HTTP --------------------------------------------------------------------------------

export const LessonSummary = lazySchema(() =>
  z.object({
    id: z.string(),
    title: z.string(),
    summary: z.string(),
    order: z.number().int(),
    minutes: z.number().int(),
    /** Locales it can be read in. */
    locales: z.array(z.string()),
    steps: z.number().int(),
    completedSteps: z.number().int(),
    /** The module it belongs to (lesson-model.ts MODULES); absent from older servers. */
    module: z.string().default(''),
    /** Its title and summary come from a translation made from an earlier version of the original (Lesson.outdated). */
    outdated: z.boolean().optional(),
  }),
);
export type LessonSummary = z.infer<typeof LessonSummary>;

/** `GET /api/lessons?locale=` */
export const LessonList = lazySchema(() =>
  z.object({
    locale: z.string(),
    lessons: z.array(LessonSummary),
    /** The modules in course order, with their titles. */
    modules: z.array(z.object({ id: z.string(), title: z.string() })).default([]),
    /** Where the learner left off: the lesson and step they selected last. */
    resume: z.object({ lessonId: z.string(), stepId: z.string() }).nullable().default(null),
  }),
);
export type LessonList = z.infer<typeof LessonList>;

/** `GET /api/lessons/:id?locale=` */
export const LessonDetail = lazySchema(() =>
  z.object({
    lesson: Lesson,
    locales: z.array(z.string()),
    progress: LessonProgress,
  }),
);
export type LessonDetail = z.infer<typeof LessonDetail>;

export const LESSONS_API = '/api/lessons';
