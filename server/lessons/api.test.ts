import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { lessonsApi } from './api';
import { LessonLibrary } from './library';
import type { Lesson } from './model';
import { sqliteProgressStore } from './store';

const lesson = (id: string, order: number, locale = 'en'): Lesson => ({
  id,
  title: `${id} (${locale})`,
  summary: 'summary',
  order,
  minutes: 5,
  nodes: 1,
  images: [],
  locale,
  intro: '',
  steps: [
    { id: 'one', title: 'One', html: '', blocks: [], hints: [], checks: [] },
    { id: 'two', title: 'Two', html: '', blocks: [], hints: [], checks: [] },
  ],
});

const library = new LessonLibrary([lesson('first', 1), lesson('second', 2)], { zh: [lesson('first', 1, 'zh')] });
const get = (path: string, learner: string | null, store = sqliteProgressStore(new Database(':memory:'))) =>
  lessonsApi(new URL(path, 'http://x'), learner, library, store);

describe('progress store', () => {
  it('records completed steps once, the current step, and forgets on reset', () => {
    const store = sqliteProgressStore(new Database(':memory:'));
    expect(store.complete('l1', 'first', 'one')).toBe(true);
    expect(store.complete('l1', 'first', 'one')).toBe(false);
    store.setCurrent('l1', 'first', 'two');
    expect(store.progress('l1', 'first')).toEqual({ completedSteps: ['one'], currentStep: 'two' });
    expect(store.progress('l2', 'first')).toEqual({ completedSteps: [], currentStep: null });
    store.reset('l1', 'first');
    expect(store.progress('l1', 'first')).toEqual({ completedSteps: [], currentStep: null });
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
  });

  it('answers one lesson, or LESSON_NOT_FOUND', () => {
    expect((get('/api/lessons/first', null)?.body as { lesson: Lesson }).lesson.id).toBe('first');
    expect(get('/api/lessons/nope', null)).toMatchObject({ status: 404, body: { error: 'LESSON_NOT_FOUND' } });
    expect(get('/api/health', null)).toBeNull();
  });
});
