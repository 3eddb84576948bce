import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from './issues';
import { loadLessons, loadLessonVariants } from './load';

describe('the lessons in lessons/', () => {
  it('all load without an issue, with their translations, on every kind of machine', async () => {
    const { variants, issues } = await loadLessonVariants(path.resolve(import.meta.dirname, '../../lessons'));
    expect(issues.map(formatIssue)).toEqual([]);
    expect(variants.map((variant) => variant.features)).toEqual([{ ipvs: false }, { ipvs: true }]);
    for (const { lessons, translations } of variants) {
      expect(lessons.map((lesson) => lesson.order)).toEqual(lessons.map((_, index) => index + 1));
      expect(translations.zh?.map((lesson) => lesson.id)).toContain('images-and-containers');
      for (const lesson of lessons) {
        for (const step of lesson.steps) expect(step.checks.length, `${lesson.id}/${step.id}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('loadLessons', () => {
  const LESSON = `---
id: mesh
title: Mesh
summary: A lesson that adapts.
order: 1
minutes: 5
---

## Publish {#publish}

\`\`\`sh run
docker ps
\`\`\`

<!-- if ipvs -->
\`\`\`check
- type: command
  contians: docker ps
\`\`\`
<!-- else -->
\`\`\`check
- type: command
  contains: docker ps
\`\`\`
<!-- end -->
`;

  it('selects each lesson for the machine, and validation names the machines an issue occurs on', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'slipway-lessons-'));
    try {
      await writeFile(path.join(directory, '01-mesh.md'), LESSON);
      const baseline = await loadLessons(directory);
      expect(baseline.features).toEqual({ ipvs: false });
      expect(baseline.issues).toEqual([]);
      const withIpvs = await loadLessons(directory, { features: { ipvs: true } });
      expect(withIpvs.lessons).toEqual([]);
      const { issues } = await loadLessonVariants(directory);
      expect(issues.map((issue) => `${path.basename(issue.file)}:${issue.line}: ${issue.message}`)).toEqual([
        '01-mesh.md:9: step "publish" has no check block: every step needs at least one check (on machines with ipvs)',
        '01-mesh.md:17: check 1: a command check needs exactly one of "matches" or "contains" (on machines with ipvs)',
        '01-mesh.md:18: check 1: unknown field "contians" (did you mean "contains"?) (on machines with ipvs)',
      ]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
