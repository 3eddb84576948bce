import { describe, expect, it } from 'vitest';
import { DashboardModel, type PlanStep, type UntimedEvent, type WorkshopEvent } from './dashboard';

const MIN = 60_000;
const plan: PlanStep[] = [
  { lessonId: 'hello', stepId: 'run', title: { en: 'Run hello-world', zh: '运行 hello-world' } },
  { lessonId: 'hello', stepId: 'list', title: { en: 'List containers', zh: '列出容器' } },
];

/** A fake clock: each event at the given minute. */
function model(events: Array<[minute: number, event: UntimedEvent]>): DashboardModel {
  const dashboard = new DashboardModel(plan);
  for (const [minute, event] of events) dashboard.apply({ ...event, at: minute * MIN } as WorkshopEvent);
  return dashboard;
}

const ada = 'participant-ada';
const bob = 'participant-bob';

describe('the dashboard model', () => {
  const events: Array<[number, UntimedEvent]> = [
    [0, { kind: 'joined', participant: ada, name: 'Ada' }],
    [0, { kind: 'joined', participant: bob, name: 'Bob' }],
    [1, { kind: 'step', participant: ada, lessonId: 'hello', stepId: 'run' }],
    [1, { kind: 'step', participant: bob, lessonId: 'hello', stepId: 'run' }],
    [1, { kind: 'verdicts', participant: ada, lessonId: 'hello', stepId: 'run', passed: 0, total: 1, failing: 'no container ran hello-world', complete: false }],
    [2, { kind: 'command', participant: ada, command: 'docker run hello-world', exitCode: 0, node: 'node1' }],
    [2, { kind: 'verdicts', participant: ada, lessonId: 'hello', stepId: 'run', passed: 1, total: 1, failing: null, complete: true }],
    [2, { kind: 'completed', participant: ada, lessonId: 'hello', stepId: 'run' }],
    [3, { kind: 'step', participant: ada, lessonId: 'hello', stepId: 'list' }],
  ];

  it('shows each participant on their step with checks, last command and progress', () => {
    const { rows } = model(events).view(3 * MIN);
    const [first, second] = rows;
    expect(first).toMatchObject({
      name: 'Ada',
      lessonId: 'hello',
      stepId: 'list',
      completed: 1,
      stepSince: 3 * MIN,
      lastCommand: { command: 'docker run hello-world', exitCode: 0, at: 2 * MIN },
      state: 'active',
      hand: null,
    });
    expect(second).toMatchObject({ name: 'Bob', stepId: 'run', completed: 0, lastCommand: null });
  });

  it('counts per step how many are on it and how many completed it', () => {
    const { columns } = model(events).view(3 * MIN);
    expect(columns.map(({ stepId, here, completed }) => ({ stepId, here, completed }))).toEqual([
      { stepId: 'run', here: 1, completed: 1 },
      { stepId: 'list', here: 1, completed: 0 },
    ]);
  });

  it('marks someone stuck after the same check failed three commands in a row, and the hand raised', () => {
    const failing = (minute: number): Array<[number, UntimedEvent]> => [
      [minute, { kind: 'command', participant: bob, command: 'docker ps', exitCode: 0, node: 'node1' }],
      [minute, { kind: 'verdicts', participant: bob, lessonId: 'hello', stepId: 'run', passed: 0, total: 1, failing: 'no container ran hello-world', complete: false }],
    ];
    const dashboard = model([...events, ...failing(4), ...failing(5), ...failing(6), [6, { kind: 'hand', participant: bob, raised: true }]]);
    const bobRow = dashboard.view(6 * MIN).rows[1]!;
    expect(bobRow).toMatchObject({ state: 'stuck', failingReason: 'no container ran hello-world', hand: { at: 6 * MIN } });
    expect(dashboard.history(bob)?.commands).toHaveLength(3);
  });

  it('marks someone stuck who stays on a step far longer than others needed', () => {
    const dashboard = model([...events, [20, { kind: 'command', participant: bob, command: 'ls', exitCode: 0, node: 'node1' }]]);
    // Ada needed 1 min for "run"; Bob has been on it for 19.
    expect(dashboard.view(20 * MIN).rows[1]).toMatchObject({ state: 'stuck', stateReason: { kind: 'slow', minutes: 19, roomMinutes: 1 } });
  });

  it('marks someone idle after minutes without a command', () => {
    expect(model(events).view(9 * MIN).rows[0]).toMatchObject({ state: 'idle' });
  });

  it('forgets a lesson reset, and a removed participant', () => {
    const dashboard = model([...events, [4, { kind: 'lesson-reset', participant: ada, lessonId: 'hello' }], [4, { kind: 'removed', participant: bob }]]);
    const { rows, columns } = dashboard.view(4 * MIN);
    expect(rows.map((row) => [row.name, row.completed])).toEqual([['Ada', 0]]);
    expect(columns[0]!.completed).toBe(0);
  });

  it('gives results per participant and step, with attempts and reveals', () => {
    const dashboard = model([...events, [3, { kind: 'reveal', participant: ada, lessonId: 'hello', stepId: 'list', reveal: 'hint' }]]);
    expect(dashboard.results().filter((row) => row.participant === ada)).toMatchObject([
      { stepId: 'run', completedAt: 2 * MIN, attempts: 1, hints: 0 },
      { stepId: 'list', completedAt: null, attempts: 0, hints: 1 },
    ]);
  });

  it('rebuilds the same picture from the same events (a restart)', () => {
    expect(model(events).view(5 * MIN)).toEqual(model(events).view(5 * MIN));
  });
});

describe('events that change nothing', () => {
  it('are told apart, so only the others are kept', () => {
    const dashboard = new DashboardModel(plan);
    const at = 0;
    expect(dashboard.apply({ kind: 'joined', participant: ada, name: 'Ada', at })).toBe(true);
    expect(dashboard.apply({ kind: 'joined', participant: ada, name: 'Ada', at })).toBe(false);
    expect(dashboard.apply({ kind: 'step', participant: ada, lessonId: 'hello', stepId: 'run', at })).toBe(true);
    expect(dashboard.apply({ kind: 'step', participant: ada, lessonId: 'hello', stepId: 'run', at })).toBe(false);
    const verdicts = { kind: 'verdicts', participant: ada, lessonId: 'hello', stepId: 'run', passed: 0, total: 1, failing: 'no', complete: false, at } as const;
    expect(dashboard.apply(verdicts)).toBe(true);
    expect(dashboard.apply(verdicts)).toBe(false);
    expect(dashboard.apply({ kind: 'completed', participant: ada, lessonId: 'hello', stepId: 'run', at })).toBe(true);
    expect(dashboard.apply({ kind: 'completed', participant: ada, lessonId: 'hello', stepId: 'run', at })).toBe(false);
    expect(dashboard.apply({ kind: 'hand', participant: ada, raised: false, at })).toBe(false);
    expect(dashboard.apply({ kind: 'command', participant: bob, command: 'ls', exitCode: 0, node: 'node1', at })).toBe(false);
  });
});
