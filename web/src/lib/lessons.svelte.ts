/**
 * The lesson side of the page: the catalog, the open lesson and step, the live verdicts of
 * that step's checks and the learner's progress. The catalog comes over HTTP; verdicts and
 * progress over the WebSocket (see server/protocol/lessons.ts).
 */
import { failingChecks } from './explorer-model';
import { localizedError, type Localized } from './i18n/catalog';
import {
  isErrorCode,
  LessonDetail,
  LessonList,
  LESSONS_API,
  type CheckVerdict,
  type ClientMessage,
  type LessonList as LessonListData,
  type LessonSummary,
  type Locale,
  type ServerMessage,
  type StartAction,
} from './protocol';
import { resilientFetch } from './network-retry';

export type Lesson = LessonDetail['lesson'];
export type StepVerdicts = { stepId: string; verdicts: CheckVerdict[]; complete: boolean };
export type QuizAnswer = LessonDetail['progress']['quizAnswers'][number];
/** What the open lesson's start state asks to remove, or what could not be removed. */
export type StartPlan = { lessonId: string; actions: StartAction[]; failures: string[] };

export class Lessons {
  list = $state.raw<LessonSummary[]>([]);
  error = $state.raw<Localized | undefined>();
  lesson = $state.raw<Lesson | undefined>();
  stepIndex = $state(0);
  completed = $state.raw<string[]>([]);
  verdicts = $state.raw<StepVerdicts | undefined>();
  modules = $state.raw<LessonListData['modules']>([]);
  resume = $state.raw<LessonListData['resume']>(null);
  quizAnswers = $state.raw<QuizAnswer[]>([]);
  /** Set when the server found something in the way of the open lesson's start state. */
  start = $state.raw<StartPlan | undefined>();

  readonly step = $derived(this.lesson?.steps[this.stepIndex]);
  readonly stepVerdicts = $derived(this.verdicts && this.verdicts.stepId === this.step?.id ? this.verdicts : undefined);
  /** The current step's failing checks about an explorer element, which the explorer marks. */
  readonly failingChecks = $derived(failingChecks(this.stepVerdicts?.verdicts ?? []));

  /** Opened since the last lesson-select. */
  #opened = false;

  /** `locale` is the page's language: lessons are fetched, and checks worded, in it. */
  constructor(
    private readonly send: (message: ClientMessage) => void,
    private readonly locale: () => Locale,
  ) {}

  /** Verdicts and progress from the server. */
  handle(message: ServerMessage): void {
    if (message.type === 'verdicts' && message.lessonId === this.lesson?.id) {
      this.verdicts = { stepId: message.stepId, verdicts: message.verdicts, complete: message.complete };
    } else if (message.type === 'progress' && message.lessonId === this.lesson?.id) {
      this.completed = message.completedSteps;
      this.quizAnswers = message.quizAnswers;
    } else if (message.type === 'lesson-start' && message.lessonId === this.lesson?.id) {
      this.start = { lessonId: message.lessonId, actions: message.actions, failures: message.failures };
    } else if (message.type === 'progress') {
      this.list = this.list.map((item) =>
        item.id === message.lessonId ? { ...item, completedSteps: message.completedSteps.length } : item,
      );
    }
  }

  async loadList(): Promise<void> {
    const list = await this.#fetch(`${LESSONS_API}?locale=${this.locale()}`, LessonList);
    if (list) {
      this.list = list.lessons;
      this.modules = list.modules;
      this.resume = list.resume;
    }
  }

  async open(id: string): Promise<void> {
    const detail = await this.#fetch(`${LESSONS_API}/${encodeURIComponent(id)}?locale=${this.locale()}`, LessonDetail);
    if (!detail) return;
    const sameLesson = this.lesson?.id === detail.lesson.id;
    this.lesson = detail.lesson;
    this.completed = detail.progress.completedSteps;
    this.quizAnswers = detail.progress.quizAnswers;
    if (!sameLesson) {
      this.start = undefined;
      this.#opened = true;
      const { steps } = detail.lesson;
      const current = steps.findIndex((step) => step.id === detail.progress.currentStep);
      const firstOpen = steps.findIndex((step) => !detail.progress.completedSteps.includes(step.id));
      this.stepIndex = current >= 0 ? current : Math.max(firstOpen, 0);
      this.verdicts = undefined;
    }
    if (location.hash !== `#lesson=${id}`) history.replaceState(null, '', `#lesson=${id}`);
  }

  /** Back to the catalog (and the free-play welcome). */
  close(): void {
    this.lesson = undefined;
    this.verdicts = undefined;
    history.replaceState(null, '', location.pathname);
    void this.loadList();
  }

  go(index: number): void {
    if (!this.lesson || index < 0 || index >= this.lesson.steps.length) return;
    this.stepIndex = index;
  }

  /** Tells the server which step to judge; sent on every step change and (re)connection. */
  selectCurrent(): void {
    if (!this.lesson || !this.step) return;
    // The first selection after opening asks the server to compare the nodes with the lesson's start state.
    this.send({
      type: 'lesson-select',
      lessonId: this.lesson.id,
      stepId: this.step.id,
      locale: this.locale(),
      ...(this.#opened ? { opened: true } : {}),
    });
    this.#opened = false;
  }

  /** The learner's answer to quiz `quiz` of the current step; kept by the server. */
  answer(quiz: number, choice: number): void {
    if (!this.lesson || !this.step) return;
    const stepId = this.step.id;
    this.quizAnswers = [...this.quizAnswers.filter((a) => a.stepId !== stepId || a.quiz !== quiz), { stepId, quiz, choice }];
    this.send({ type: 'quiz-answer', lessonId: this.lesson.id, stepId, quiz, choice });
  }

  /** The learner revealed a hint or the solution of the current step (a workshop counts them). */
  reveal(kind: 'hint' | 'solution'): void {
    if (!this.lesson || !this.step) return;
    this.send({ type: 'lesson-reveal', lessonId: this.lesson.id, stepId: this.step.id, kind });
  }

  /** The learner confirmed: bring the nodes to the lesson's start state. */
  prepare(): void {
    if (!this.lesson) return;
    this.send({ type: 'lesson-prepare', lessonId: this.lesson.id });
  }

  checkNow(): void {
    this.send({ type: 'check-now' });
  }

  reset(): void {
    if (!this.lesson) return;
    this.completed = [];
    this.quizAnswers = [];
    this.verdicts = undefined;
    this.send({ type: 'lesson-reset', lessonId: this.lesson.id });
    this.stepIndex = 0;
  }

  /** After a switch of language: the catalog and the open lesson in the new one (which selects its step again). */
  async reload(): Promise<void> {
    await this.loadList();
    if (this.lesson) await this.open(this.lesson.id);
  }

  async #fetch<T>(url: string, schema: { safeParse(data: unknown): { success: true; data: T } | { success: false } }): Promise<T | undefined> {
    try {
      const response = await resilientFetch(url);
      const body: unknown = await response.json();
      if (!response.ok) {
        const { error: code, message } = body as { error?: string; message?: string };
        const { status } = response;
        this.error = code && isErrorCode(code) ? localizedError(code, message) : (t) => message ?? t.lessons.httpError(status);
        return undefined;
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        this.error = (t) => t.lessons.unreadable;
        return undefined;
      }
      this.error = undefined;
      return parsed.data;
    } catch (error) {
      const why = (error as Error).message;
      this.error = (t) => t.lessons.unavailable(why);
      return undefined;
    }
  }
}

/** The lesson id in the page's address (`#lesson=<id>`), if any. */
export function lessonInAddress(): string | undefined {
  return /^#lesson=([a-z0-9-]+)$/.exec(location.hash)?.[1];
}
