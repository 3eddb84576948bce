/** Lessons for tests of what judges them. */
import type { Check } from '../protocol/checks';
import type { Lesson } from '../protocol/lesson-model';

/** Lesson `lesson` of one step, `step`, with this one check (in English). */
export const lessonChecking = (check: Check): Lesson => ({
  id: 'lesson',
  title: 'Lesson',
  summary: 's',
  order: 1,
  minutes: 5,
  nodes: 1,
  images: [],
  module: 'basics',
  start: {},
  locale: 'en',
  intro: '',
  steps: [{ id: 'step', title: 'Step', html: '', blocks: [], hints: [], checks: [check], quizzes: [], task: false }],
});
