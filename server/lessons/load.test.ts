import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from './issues';
import { loadLessons, loadLessonVariants } from './load';
import { YOUR_TURN_STEP } from '../testing/lesson-text';

describe('the lessons in lessons/', () => {
  it('all load without an issue, with their translations, on every kind of machine', async () => {
    const { variants, issues } = await loadLessonVariants(path.resolve(import.meta.dirname, '../../lessons'));
    expect(issues.map(formatIssue)).toEqual([]);
    expect(variants.map((variant) => variant.features)).toEqual([{ ipvs: false }, { ipvs: true }]);
    for (const { lessons, translations } of variants) {
      expect(lessons.map((lesson) => lesson.order)).toEqual(lessons.map((_, index) => index + 1));
      expect(translations.zh?.map((lesson) => lesson.id)).toContain('images-and-containers');
      for (const lesson of lessons) {
        for (const step of lesson.steps) expect(step.checks.length + step.quizzes.length, `${lesson.id}/${step.id}`).toBeGreaterThan(0);
        expect(lesson.steps.at(-1)?.task, `${lesson.id} ends with a "your turn" step`).toBe(true);
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
module: clusters
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

${YOUR_TURN_STEP}`;

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
        '01-mesh.md:10: step "publish" has no check block: every step needs at least one check (or a quiz) (on machines with ipvs)',
        '01-mesh.md:18: check 1: a command check needs exactly one of "matches" or "contains" (on machines with ipvs)',
        '01-mesh.md:19: check 1: unknown field "contians" (did you mean "contains"?) (on machines with ipvs)',
      ]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('wants every lesson to end with a "your turn" step, and the modules in course order', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'slipway-lessons-'));
    try {
      const as = (id: string, order: number, module: string, text = LESSON) =>
        writeFile(path.join(directory, `0${order}-${id}.md`), text.replace('id: mesh', `id: ${id}`).replace('order: 1', `order: ${order}`).replace('module: clusters', `module: ${module}`));
      await as('mesh', 1, 'clusters');
      await as('late', 2, 'basics');
      await as('end', 3, 'podman', LESSON.slice(0, LESSON.indexOf('## Your turn')));
      const { issues } = await loadLessons(directory);
      expect(issues.map((issue) => `${path.basename(issue.file)}:${issue.line}: ${issue.message}`)).toEqual([
        '03-end.md:10: the lesson ends with step "publish", which has a run block: end with a "your turn" step that states only the goal (hints and a solution block, no run block) and checks the state it leaves',
        '02-late.md:6: module "basics" comes before "clusters" (of "mesh", the lesson before): modules follow each other in the order basics, images, data-and-networks, registries, operating, clusters, podman',
      ]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
