/**
 * Lessons in a learner's session: starts the nodes a selected lesson needs; judges the
 * selected step's checks after each command the learner finishes, whenever a node's engine
 * state settles on something new, when nodes come or go, on `check-now` and when the learner
 * switches language; sends the verdicts, and records the step as complete once every check
 * passed. Checks are judged as the lesson reads in the learner's language (a translation gives
 * their titles and script reasons), and everything else the verdicts say is worded in it too.
 */
import type { CommandRecord } from '../checks/shell-integration';
import type { Disposable } from '../common/disposable';
import type { ClientMessage } from '../protocol';
import { ERRORS, errorMessage } from '../protocol/errors';
import type { ServiceFactory, SessionContext, SessionService } from '../session/context';
import type { LessonLibrary } from './library';
import { quizzesSolved, type Lesson, type Step } from '../protocol/lesson-model';
import { judgeChecks, settledSnapshots, toWire } from './runner';
import { applyStart, planStart } from './start-state';
import type { ProgressStore } from './store';

/** Changes this soon after a judgement that ran probes may be the probes' own (a script's docker run). */
const PROBE_ECHO_MS = 300;

export interface LessonsDependencies {
  library: LessonLibrary;
  store: ProgressStore;
}

export function lessonsService(dependencies: LessonsDependencies): ServiceFactory {
  return (context) => new LessonsService(context, dependencies);
}

interface Selection {
  /** The original lesson and step. */
  lesson: Lesson;
  step: Step;
  /** Only commands started since the step was selected count for its command checks. */
  since: number;
}

export class LessonsService implements SessionService {
  #selection: Selection | null = null;
  #judging = false;
  #again = false;
  #probing = false;
  #probesEndedAt = 0;
  #disposed = false;
  readonly #subscriptions: Disposable[];

  constructor(
    private readonly context: SessionContext,
    private readonly deps: LessonsDependencies,
  ) {
    this.#subscriptions = [
      context.onCommand(() => void this.judge()),
      context.onNodesChanged(() => void this.judge()),
      context.onEngineSettled(() => this.#engineSettled()),
      context.onLocaleChanged(() => void this.judge()),
    ];
  }

  attached(): void {
    if (!this.#selection) return;
    this.#sendProgress(this.#selection.lesson.id);
    void this.judge();
  }

  handle(message: ClientMessage): boolean {
    switch (message.type) {
      case 'lesson-select':
        this.#select(message.lessonId, message.stepId, message.opened === true);
        return true;
      case 'check-now':
        void this.judge();
        return true;
      case 'quiz-answer':
        this.#answer(message.lessonId, message.stepId, message.quiz, message.choice);
        return true;
      case 'lesson-prepare':
        void this.#prepare(message.lessonId);
        return true;
      case 'lesson-reset':
        this.deps.store.reset(this.context.learner, message.lessonId);
        this.#sendProgress(message.lessonId);
        if (this.#selection?.lesson.id === message.lessonId) this.#selection.since = Date.now();
        void this.judge();
        return true;
      default:
        return false;
    }
  }

  dispose(): void {
    this.#disposed = true;
    for (const subscription of this.#subscriptions) subscription.dispose();
  }

  /** Judges the selected step now (or again right after the judgement under way). */
  async judge(): Promise<void> {
    if (this.#judging) {
      this.#again = true;
      return;
    }
    const selection = this.#selection;
    if (!selection || this.#disposed) return;
    this.#judging = true;
    const { lesson, step, since } = selection;
    const locale = this.context.locale();
    // The same checks (a translation keeps the original's), with their titles and reasons in the learner's language.
    const { checks } = this.deps.library.get(lesson.id, locale)?.steps.find((candidate) => candidate.id === step.id) ?? step;
    this.#probing = checks.some((check) => check.type === 'file' || check.type === 'script');
    try {
      const history = this.context.history.filter((record: CommandRecord) => record.startedAt >= since);
      const verdicts = await judgeChecks((name) => this.context.node(name), checks, history, locale);
      if (this.#disposed) return;
      const answers = this.deps.store.progress(this.context.learner, lesson.id).quizAnswers;
      const complete = verdicts.every((verdict) => verdict.passed) && quizzesSolved(step, answers);
      this.context.send({ type: 'verdicts', lessonId: lesson.id, stepId: step.id, verdicts: toWire(verdicts), complete });
      if (complete && this.deps.store.complete(this.context.learner, lesson.id, step.id)) this.#sendProgress(lesson.id);
    } catch (error) {
      this.context.log(`lesson checks of ${lesson.id}/${step.id}: ${(error as Error).message}`);
    } finally {
      if (this.#probing) this.#probesEndedAt = Date.now();
      this.#probing = false;
      this.#judging = false;
    }
    if (this.#again) {
      this.#again = false;
      void this.judge();
    }
  }

  #select(lessonId: string, stepId: string, reopened: boolean): void {
    const lesson = this.deps.library.original(lessonId);
    const step = lesson?.steps.find((candidate) => candidate.id === stepId);
    if (!lesson || !step) {
      this.context.send({ type: 'error', code: 'LESSON_NOT_FOUND', message: `${ERRORS.LESSON_NOT_FOUND.message} (${lessonId}/${stepId})` });
      return;
    }
    const other = this.#selection?.lesson.id !== lessonId;
    const opened = other || reopened;
    const same = !other && this.#selection?.step.id === stepId;
    if (!same) this.#selection = { lesson, step, since: Date.now() };
    // Judged meanwhile: checks about nodes still starting say so until they are ready.
    const ready = this.context.ensureNodes(lesson.nodes);
    ready.then(
      () => (opened ? this.#offerStart(lesson) : undefined),
      (error: Error) => this.context.send(errorMessage(error)),
    );
    this.deps.store.setCurrent(this.context.learner, lessonId, stepId);
    this.#sendProgress(lessonId);
    void this.judge();
  }

  #answer(lessonId: string, stepId: string, quiz: number, choice: number): void {
    const step = this.deps.library.original(lessonId)?.steps.find((candidate) => candidate.id === stepId);
    if (!step || !step.quizzes[quiz]?.choices[choice]) {
      this.context.send({ type: 'error', code: 'LESSON_NOT_FOUND', message: `${ERRORS.LESSON_NOT_FOUND.message} (${lessonId}/${stepId}, quiz ${quiz})` });
      return;
    }
    const { learner } = this.context;
    this.deps.store.answerQuiz(learner, lessonId, { stepId, quiz, choice });
    // A step of quizzes only has no checks to judge: its answers complete it.
    if (step.checks.length === 0 && quizzesSolved(step, this.deps.store.progress(learner, lessonId).quizAnswers)) {
      this.deps.store.complete(learner, lessonId, stepId);
    }
    this.#sendProgress(lessonId);
    if (this.#selection?.lesson.id === lessonId && this.#selection.step.id === stepId) void this.judge();
  }

  /** What stands between the lesson's nodes and its start state, for the page to ask about. */
  async #plan(lesson: Lesson) {
    const nodes = this.context.nodes().filter((node) => Number(node.name.slice(4)) <= lesson.nodes);
    return planStart(lesson, await settledSnapshots(nodes), this.context.locale());
  }

  async #offerStart(lesson: Lesson): Promise<void> {
    try {
      const actions = await this.#plan(lesson);
      if (actions.length > 0 && !this.#disposed) this.context.send({ type: 'lesson-start', lessonId: lesson.id, actions, failures: [] });
    } catch (error) {
      this.context.log(`start state of ${lesson.id}: ${(error as Error).message}`);
    }
  }

  async #prepare(lessonId: string): Promise<void> {
    const lesson = this.deps.library.original(lessonId);
    if (!lesson) return;
    try {
      await this.context.ensureNodes(lesson.nodes);
      // Planned again: the learner may have changed things while the dialog was open.
      const failures = await applyStart(await this.#plan(lesson), (name) => this.context.node(name), this.context.locale());
      if (!this.#disposed) this.context.send({ type: 'lesson-start', lessonId, actions: [], failures });
    } catch (error) {
      this.context.send(errorMessage(error as Error));
    }
    void this.judge();
  }

  #sendProgress(lessonId: string): void {
    this.context.send({ type: 'progress', lessonId, ...this.deps.store.progress(this.context.learner, lessonId) });
  }

  #engineSettled(): void {
    if (!this.#selection) return;
    if (this.#probing || Date.now() - this.#probesEndedAt < PROBE_ECHO_MS) return;
    void this.judge();
  }
}
