/**
 * Learners' lesson progress, kept in SQLite (`$SLIPWAY_STATE_DIR/progress.sqlite`) so that it
 * survives restarts and sandbox resets. Keyed by learner key (a hash of their cookie token).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { QuizAnswer } from '../protocol/lesson-model';
import type { LessonProgress } from '../protocol/lessons';

export const PROGRESS_FILE = 'progress.sqlite';

export interface ProgressStore {
  progress(learner: string, lessonId: string): LessonProgress;
  /** Completed step counts of every lesson the learner has touched. */
  completedCounts(learner: string): Map<string, number>;
  setCurrent(learner: string, lessonId: string, stepId: string): void;
  /** The lesson and step the learner selected last, for "continue where you left off". */
  lastVisited(learner: string): { lessonId: string; stepId: string } | null;
  /** Keeps the learner's latest answer to one quiz. */
  answerQuiz(learner: string, lessonId: string, answer: QuizAnswer): void;
  /** Returns whether the step was newly completed. */
  complete(learner: string, lessonId: string, stepId: string): boolean;
  reset(learner: string, lessonId: string): void;
  close(): void;
}

export function openProgressStore(stateDir: string): ProgressStore {
  mkdirSync(stateDir, { recursive: true });
  return sqliteProgressStore(new Database(path.join(stateDir, PROGRESS_FILE)));
}

/** `new Database(':memory:')` makes a store for tests. */
export function sqliteProgressStore(db: Database.Database): ProgressStore {
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS completed_steps (
      learner TEXT NOT NULL, lesson TEXT NOT NULL, step TEXT NOT NULL, completed_at INTEGER NOT NULL,
      PRIMARY KEY (learner, lesson, step));
    CREATE TABLE IF NOT EXISTS current_steps (
      learner TEXT NOT NULL, lesson TEXT NOT NULL, step TEXT NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (learner, lesson));
    CREATE TABLE IF NOT EXISTS quiz_answers (
      learner TEXT NOT NULL, lesson TEXT NOT NULL, step TEXT NOT NULL, quiz INTEGER NOT NULL, choice INTEGER NOT NULL,
      answered_at INTEGER NOT NULL, PRIMARY KEY (learner, lesson, step, quiz));
  `);
  const completedOf = db.prepare<[string, string], { step: string }>(
    'SELECT step FROM completed_steps WHERE learner = ? AND lesson = ? ORDER BY completed_at, rowid',
  );
  const currentOf = db.prepare<[string, string], { step: string }>('SELECT step FROM current_steps WHERE learner = ? AND lesson = ?');
  const counts = db.prepare<[string], { lesson: string; n: number }>(
    'SELECT lesson, COUNT(*) AS n FROM completed_steps WHERE learner = ? GROUP BY lesson',
  );
  const upsertCurrent = db.prepare(
    `INSERT INTO current_steps (learner, lesson, step, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (learner, lesson) DO UPDATE SET step = excluded.step, updated_at = excluded.updated_at`,
  );
  const insertCompleted = db.prepare('INSERT OR IGNORE INTO completed_steps (learner, lesson, step, completed_at) VALUES (?, ?, ?, ?)');
  const last = db.prepare<[string], { lesson: string; step: string }>(
    'SELECT lesson, step FROM current_steps WHERE learner = ? ORDER BY updated_at DESC LIMIT 1',
  );
  const answersOf = db.prepare<[string, string], { step: string; quiz: number; choice: number }>(
    'SELECT step, quiz, choice FROM quiz_answers WHERE learner = ? AND lesson = ? ORDER BY step, quiz',
  );
  const upsertAnswer = db.prepare(
    `INSERT INTO quiz_answers (learner, lesson, step, quiz, choice, answered_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (learner, lesson, step, quiz) DO UPDATE SET choice = excluded.choice, answered_at = excluded.answered_at`,
  );
  const deleteAnswers = db.prepare('DELETE FROM quiz_answers WHERE learner = ? AND lesson = ?');
  const deleteCompleted = db.prepare('DELETE FROM completed_steps WHERE learner = ? AND lesson = ?');
  const deleteCurrent = db.prepare('DELETE FROM current_steps WHERE learner = ? AND lesson = ?');
  const reset = db.transaction((learner: string, lessonId: string) => {
    deleteCompleted.run(learner, lessonId);
    deleteCurrent.run(learner, lessonId);
    deleteAnswers.run(learner, lessonId);
  });

  // Selections within one millisecond must still be told apart for lastVisited.
  let clock = 0;
  const now = () => (clock = Math.max(clock + 1, Date.now()));

  return {
    progress: (learner, lessonId) => ({
      completedSteps: completedOf.all(learner, lessonId).map((row) => row.step),
      currentStep: currentOf.get(learner, lessonId)?.step ?? null,
      quizAnswers: answersOf.all(learner, lessonId).map((row) => ({ stepId: row.step, quiz: row.quiz, choice: row.choice })),
    }),
    completedCounts: (learner) => new Map(counts.all(learner).map((row) => [row.lesson, row.n])),
    setCurrent: (learner, lessonId, stepId) => void upsertCurrent.run(learner, lessonId, stepId, now()),
    lastVisited: (learner) => {
      const row = last.get(learner);
      return row ? { lessonId: row.lesson, stepId: row.step } : null;
    },
    answerQuiz: (learner, lessonId, { stepId, quiz, choice }) => void upsertAnswer.run(learner, lessonId, stepId, quiz, choice, Date.now()),
    complete: (learner, lessonId, stepId) => insertCompleted.run(learner, lessonId, stepId, Date.now()).changes > 0,
    reset: (learner, lessonId) => reset(learner, lessonId),
    close: () => db.close(),
  };
}
