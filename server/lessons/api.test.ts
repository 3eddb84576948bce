import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { lessonsApi } from './api';
import { LessonLibrary } from './library';
import type { Lesson } from '../protocol/lesson-model';
import { sqliteProgressStore } from './store';

const lesson = (id: string, order: number, locale = 'en'): Lesson => ({
  id,
  title: `${id} (${locale})`,
  summary: 'summary',
  order,
  minutes: 5,
  nodes: 1,
  images: [],
  module: order === 1 ? 'basics' : 'images',
  start: {},
  locale,
  intro: '',
  steps: [
    { id: 'one', title: 'One', html: '', blocks: [], hints: [], checks: [], quizzes: [], task: false },
    { id: 'two', title: 'Two', html: '', blocks: [], hints: [], checks: [], quizzes: [], task: false },
  ],
});

const library = new LessonLibrary([lesson('first', 1), lesson('second', 2)], { zh: [{ ...lesson('first', 1, 'zh'), outdated: true }] });
const get = (path: string, learner: string | null, store = sqliteProgressStore(new Database(':memory:'))) =>
  lessonsApi(new URL(path, 'http://x'), learner, library, store);

describe('progress store', () => {
  it('records completed steps once, the current step, and forgets on reset', () => {
    const store = sqliteProgressStore(new Database(':memory:'));
    expect(store.complete('l1', 'first', 'one')).toBe(true);
    expect(store.complete('l1', 'first', 'one')).toBe(false);
    store.setCurrent('l1', 'first', 'two');
    expect(store.progress('l1', 'first')).toEqual({ completedSteps: ['one'], currentStep: 'two', quizAnswers: [] });
    expect(store.progress('l2', 'first')).toEqual({ completedSteps: [], currentStep: null, quizAnswers: [] });
    store.reset('l1', 'first');
    expect(store.progress('l1', 'first')).toEqual({ completedSteps: [], currentStep: null, quizAnswers: [] });
  });

  it('keeps the latest answer to each quiz, and forgets them on reset', () => {
    const store = sqliteProgressStore(new Database(':memory:'));
    store.answerQuiz('l1', 'first', { stepId: 'two', quiz: 0, choice: 2 });
    store.answerQuiz('l1', 'first', { stepId: 'two', quiz: 0, choice: 1 });
    store.answerQuiz('l1', 'first', { stepId: 'one', quiz: 1, choice: 0 });
    expect(store.progress('l1', 'first').quizAnswers).toEqual([
      { stepId: 'one', quiz: 1, choice: 0 },
      { stepId: 'two', quiz: 0, choice: 1 },
    ]);
    expect(store.progress('l2', 'first').quizAnswers).toEqual([]);
    store.reset('l1', 'first');
    expect(store.progress('l1', 'first').quizAnswers).toEqual([]);
  });

  it('knows the step the learner selected last, in any lesson', () => {
    const store = sqliteProgressStore(new Database(':memory:'));
    expect(store.lastVisited('l1')).toBeNull();
    store.setCurrent('l1', 'second', 'one');
    store.setCurrent('l1', 'first', 'two');
    expect(store.lastVisited('l1')).toEqual({ lessonId: 'first', stepId: 'two' });
    store.setCurrent('l1', 'second', 'two');
    expect(store.lastVisited('l1')).toEqual({ lessonId: 'second', stepId: 'two' });
  });
});

describe('GET /api/lessons', () => {
  it('lists lessons in the locale asked for, with the learner progress', () => {
    const store = sqliteProgressStore(new Database(':memory:'));
    store.complete('me', 'second', 'one');
    const answer = get('/api/lessons?locale=zh', 'me', store);
    expect(answer?.status).toBe(200);
    const body = answer?.body as { lessons: { id: string; title: string; locales: string[]; completedSteps: number }[] };
    expect(body.lessons.map((item) => [item.id, item.title, item.locales, item.completedSteps])).toEqual([
      ['first', 'first (zh)', ['en', 'zh'], 0],
      ['second', 'second (en)', ['en'], 1],
    ]);
    expect(body.lessons.map((item) => (item as { outdated?: boolean }).outdated)).toEqual([true, undefined]);
  });

  it('answers a locale it does not speak with INVALID_REQUEST', () => {
    expect(get('/api/lessons?locale=xx', null)).toMatchObject({ status: 400, body: { error: 'INVALID_REQUEST' } });
    expect(get('/api/lessons/first?locale=../en', null)).toMatchObject({ status: 400, body: { error: 'INVALID_REQUEST' } });
  });

  it('groups lessons into modules and says where the learner left off', () => {
    const store = sqliteProgressStore(new Database(':memory:'));
    store.setCurrent('me', 'second', 'two');
    const body = get('/api/lessons', 'me', store)?.body as { lessons: { module: string }[]; modules: { id: string }[]; resume: unknown };
    expect(body.lessons.map((item) => item.module)).toEqual(['basics', 'images']);
    expect(body.modules.map((module) => module.id).slice(0, 2)).toEqual(['basics', 'images']);
    expect(body.resume).toEqual({ lessonId: 'second', stepId: 'two' });
    store.setCurrent('me', 'second', 'gone');
    expect((get('/api/lessons', 'me', store)?.body as { resume: unknown }).resume).toBeNull();
    expect((get('/api/lessons', null, store)?.body as { resume: unknown }).resume).toBeNull();
  });

  it('answers one lesson, or LESSON_NOT_FOUND', () => {
    expect((get('/api/lessons/first', null)?.body as { lesson: Lesson }).lesson.id).toBe('first');
    expect(get('/api/lessons/nope', null)).toMatchObject({ status: 404, body: { error: 'LESSON_NOT_FOUND' } });
    expect(get('/api/health', null)).toBeNull();
  });
});
