import { describe, expect, it } from 'vitest';
import { csvField, resultsCsv, resultsJson, type ResultRow } from './results';

const row: ResultRow = {
  participant: 'p1',
  name: 'Ada, "the first"',
  joinedAt: 0,
  lessonId: 'hello',
  stepId: 'run',
  title: { en: 'Run hello-world', zh: '运行 hello-world' },
  firstSeenAt: 0,
  completedAt: Date.UTC(2025, 0, 2, 9, 30),
  attempts: 2,
  hints: 1,
  solutions: 0,
};

describe('results', () => {
  it('are CSV with a header and one quoted row per participant and step', () => {
    expect(resultsCsv([row, { ...row, stepId: 'list', completedAt: null, attempts: 0, hints: 0 }])).toBe(
      'participant,name,lesson,step,title,completed_at,attempts,hints,solutions\r\n' +
        'p1,"Ada, ""the first""",hello,run,Run hello-world,2025-01-02T09:30:00.000Z,2,1,0\r\n' +
        'p1,"Ada, ""the first""",hello,list,Run hello-world,,0,0,0\r\n',
    );
  });

  it('keep a name from being run as a spreadsheet formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-1)).toBe('-1');
  });

  it('are JSON grouped by participant', () => {
    const json = resultsJson({ id: 'w1', name: 'Onboarding', startsAt: 0, endsAt: 0 }, [row]);
    expect(json.participants).toEqual([
      {
        id: 'p1',
        name: row.name,
        joinedAt: '1970-01-01T00:00:00.000Z',
        steps: [{ lessonId: 'hello', stepId: 'run', title: 'Run hello-world', completedAt: '2025-01-02T09:30:00.000Z', attempts: 2, hints: 1, solutions: 0 }],
      },
    ]);
  });
});
