import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol';
import type { SessionContext, SessionService } from '../session/context';
import { Emitter } from '../common/emitter';
import type { LearnerEvent } from './dashboard';
import { lessonEvents, observeLessons, reportCommands } from './session-feature';

function fakeContext() {
  const sent: unknown[] = [];
  const commands = new Emitter<Parameters<Parameters<SessionContext['onCommand']>[0]>[0]>();
  const context = {
    learner: 'learner-1',
    send: (message: unknown) => sent.push(message),
    onCommand: (listener: never) => commands.event(listener),
    history: [],
  } as unknown as SessionContext;
  return { context, sent, commands };
}

describe('workshop reports from a session', () => {
  it('turn the lessons feature\'s verdicts, progress and selections into events, and still send them', () => {
    const { context, sent } = fakeContext();
    const reported: LearnerEvent[] = [];
    let inner: SessionContext | undefined;
    const lessons = (given: SessionContext): SessionService => {
      inner = given;
      return { attached: () => undefined, handle: (message) => message.type === 'lesson-select', dispose: () => undefined };
    };
    const service = observeLessons(lessons, (_learner, event) => reported.push(event))(context);
    const verdicts = {
      type: 'verdicts' as const,
      lessonId: 'hello',
      stepId: 'run',
      verdicts: [
        { title: 'Container ran', passed: true, reason: 'yes' },
        { title: 'Port published', passed: false, reason: 'no port 8080' },
      ],
      complete: false,
    } satisfies ServerMessage;
    inner!.send(verdicts);
    expect(sent).toEqual([verdicts]);
    expect(service.handle({ type: 'lesson-select', lessonId: 'hello', stepId: 'run' })).toBe(true);
    expect(service.handle({ type: 'check-now' })).toBe(false);
    expect(reported).toEqual([
      { kind: 'verdicts', lessonId: 'hello', stepId: 'run', passed: 1, total: 2, failing: 'Port published: no port 8080', complete: false },
      { kind: 'step', lessonId: 'hello', stepId: 'run' },
    ]);
  });

  it('list every completed step of a progress message (the workshops keep the new ones)', () => {
    expect(lessonEvents({ type: 'progress', lessonId: 'hello', completedSteps: ['run', 'list'], currentStep: 'list', quizAnswers: [] })).toEqual([
      { kind: 'completed', lessonId: 'hello', stepId: 'run' },
      { kind: 'completed', lessonId: 'hello', stepId: 'list' },
    ]);
    expect(lessonEvents({ type: 'help', raised: true })).toEqual([]);
  });

  it('pass on every command, cut to a sensible length', () => {
    const { context, commands } = fakeContext();
    const reported: LearnerEvent[] = [];
    const service = reportCommands((_learner, event) => reported.push(event))(context);
    commands.fire({ command: 'x'.repeat(600), exitCode: 1, startedAt: 0, finishedAt: 1, node: 'node1' });
    service.dispose();
    commands.fire({ command: 'after', exitCode: 0, startedAt: 0, finishedAt: 1, node: 'node1' });
    expect(reported).toEqual([{ kind: 'command', command: 'x'.repeat(500), exitCode: 1, node: 'node1' }]);
  });
});
