/**
 * Lessons in a learner's session: judges the selected step's checks after each command the
 * learner finishes, after the inner engine reports a change (debounced), and on `check-now`;
 * sends the verdicts, and records the step as complete once every check passed.
 */
import type { Readable } from 'node:stream';
import type { CommandRecord } from '../checks/shell-integration';
import type { ClientMessage } from '../protocol';
import { ERRORS } from '../protocol/errors';
import type { ServiceFactory, SessionContext, SessionService } from '../session/context';
import type { Disposable } from '../terminal/terminal-process';
import type { LessonLibrary } from './library';
import type { Lesson, Step } from './model';
import { judgeChecks, toWire } from './runner';
import type { ProgressStore } from './store';

/** Engine events come in bursts (create, attach, start, ...): judge once they settle. */
export const ENGINE_EVENT_DEBOUNCE_MS = 150;
/** Events this soon after a judgement that ran probes may be the probes' own (docker exec, run). */
const PROBE_ECHO_MS = 300;
const RESUBSCRIBE_MIN_MS = 500;
const RESUBSCRIBE_MAX_MS = 10_000;

export interface LessonsDependencies {
  library: LessonLibrary;
  store: ProgressStore;
}

export function lessonsService(dependencies: LessonsDependencies): ServiceFactory {
  return (context) => new LessonsService(context, dependencies);
}

interface Selection {
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
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #resubscribe: ReturnType<typeof setTimeout> | undefined;
  #events: Readable | undefined;
  #retryMs = RESUBSCRIBE_MIN_MS;
  #disposed = false;
  readonly #commands: Disposable;

  constructor(
    private readonly context: SessionContext,
    private readonly deps: LessonsDependencies,
  ) {
    this.#commands = context.onCommand(() => void this.judge());
    void this.#subscribe();
  }

  attached(): void {
    if (!this.#selection) return;
    this.#sendProgress(this.#selection.lesson.id);
    void this.judge();
  }

  handle(message: ClientMessage): boolean {
    switch (message.type) {
      case 'lesson-select':
        this.#select(message.lessonId, message.stepId);
        return true;
      case 'check-now':
        void this.judge();
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
    clearTimeout(this.#debounce);
    clearTimeout(this.#resubscribe);
    this.#commands.dispose();
    this.#events?.destroy();
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
    this.#probing = step.checks.some((check) => check.type === 'file' || check.type === 'script');
    try {
      const history = this.context.history.filter((record: CommandRecord) => record.startedAt >= since);
      const verdicts = await judgeChecks(
        { engine: this.context.engine, node: this.context.sandbox.node, exec: this.context.exec },
        step.checks,
        history,
      );
      if (this.#disposed) return;
      const complete = verdicts.every((verdict) => verdict.passed);
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

  #select(lessonId: string, stepId: string): void {
    const lesson = this.deps.library.original(lessonId);
    const step = lesson?.steps.find((candidate) => candidate.id === stepId);
    if (!lesson || !step) {
      this.context.send({ type: 'error', code: 'LESSON_NOT_FOUND', message: `${ERRORS.LESSON_NOT_FOUND.message} (${lessonId}/${stepId})` });
      return;
    }
    const same = this.#selection?.lesson.id === lessonId && this.#selection.step.id === stepId;
    if (!same) this.#selection = { lesson, step, since: Date.now() };
    this.deps.store.setCurrent(this.context.learner, lessonId, stepId);
    this.#sendProgress(lessonId);
    void this.judge();
  }

  #sendProgress(lessonId: string): void {
    this.context.send({ type: 'progress', lessonId, ...this.deps.store.progress(this.context.learner, lessonId) });
  }

  async #subscribe(): Promise<void> {
    if (this.#disposed) return;
    try {
      const stream = (await this.context.engine.getEvents()) as Readable;
      if (this.#disposed) {
        stream.destroy();
        return;
      }
      this.#events = stream;
      this.#retryMs = RESUBSCRIBE_MIN_MS;
      stream.on('data', (chunk: Buffer) => this.#engineEvent(chunk));
      const again = () => {
        if (this.#events !== stream) return;
        this.#events = undefined;
        this.#scheduleResubscribe();
      };
      stream.once('end', again);
      stream.once('close', again);
      stream.once('error', again);
      // Whatever changed while nobody was listening.
      void this.judge();
    } catch {
      this.#scheduleResubscribe();
    }
  }

  #scheduleResubscribe(): void {
    if (this.#disposed) return;
    clearTimeout(this.#resubscribe);
    this.#resubscribe = setTimeout(() => void this.#subscribe(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, RESUBSCRIBE_MAX_MS);
  }

  #engineEvent(chunk: Buffer): void {
    if (!this.#selection) return;
    // `docker exec` (ours or the learner's) changes nothing a check looks at.
    const actions = chunk.toString('utf8').match(/"Action":"[^"]*"/g) ?? [];
    if (actions.length > 0 && actions.every((action) => action.startsWith('"Action":"exec_'))) return;
    if (this.#probing || Date.now() - this.#probesEndedAt < PROBE_ECHO_MS) return;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.judge(), ENGINE_EVENT_DEBOUNCE_MS);
  }
}
