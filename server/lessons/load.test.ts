import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from './issues';
import { loadLessons } from './load';

describe('the lessons in lessons/', () => {
  it('all load without an issue, with their translations', async () => {
    const { lessons, translations, issues } = await loadLessons(path.resolve(import.meta.dirname, '../../lessons'));
    expect(issues.map(formatIssue)).toEqual([]);
    expect(lessons.map((lesson) => lesson.order)).toEqual(lessons.map((_, index) => index + 1));
    expect(translations.zh?.map((lesson) => lesson.id)).toContain('images-and-containers');
    for (const lesson of lessons) {
      for (const step of lesson.steps) expect(step.checks.length, `${lesson.id}/${step.id}`).toBeGreaterThan(0);
    }
  });
});
