/**
 * How a participant's session reports to the workshops, without the lessons feature knowing:
 * `observeLessons` wraps the lessons feature so that the steps it is told about and the
 * verdicts and progress it sends become workshop events; `reportCommands` is a feature of
 * its own that passes on every command shell integration reported.
 */
import type { ServerMessage } from '../protocol';
import type { ServiceFactory } from '../session/context';
import type { LearnerEvent } from './dashboard';

/** The commands kept in a dashboard event; a pasted script is cut. */
const COMMAND_CHARS = 500;

export type Report = (learner: string, event: LearnerEvent) => void;

export function observeLessons(lessons: ServiceFactory, report: Report): ServiceFactory {
  return (context) => {
    const sent = (message: ServerMessage) => {
      for (const event of lessonEvents(message)) report(context.learner, event);
      context.send(message);
    };
    const service = lessons({ ...context, send: sent });
    return {
      attached: () => service.attached(),
      handle: (message) => {
        const taken = service.handle(message);
        if (taken && message.type === 'lesson-select') report(context.learner, { kind: 'step', lessonId: message.lessonId, stepId: message.stepId });
        if (taken && message.type === 'lesson-reset') report(context.learner, { kind: 'lesson-reset', lessonId: message.lessonId });
        return taken;
      },
      dispose: () => service.dispose(),
    };
  };
}

/** What a message of the lessons feature means for a dashboard. Pure. */
export function lessonEvents(message: ServerMessage): LearnerEvent[] {
  if (message.type === 'verdicts') {
    const failing = message.verdicts.find((verdict) => !verdict.passed && !verdict.pending);
    return [
      {
        kind: 'verdicts',
        lessonId: message.lessonId,
        stepId: message.stepId,
        passed: message.verdicts.filter((verdict) => verdict.passed).length,
        total: message.verdicts.length,
        failing: failing ? `${failing.title}: ${failing.reason}` : null,
        complete: message.complete,
      },
    ];
  }
  if (message.type === 'progress') {
    return message.completedSteps.map((stepId) => ({ kind: 'completed', lessonId: message.lessonId, stepId }));
  }
  return [];
}

export function reportCommands(report: Report): ServiceFactory {
  return (context) => {
    const subscription = context.onCommand((record) =>
      report(context.learner, { kind: 'command', command: record.command.slice(0, COMMAND_CHARS), exitCode: record.exitCode, node: record.node }),
    );
    return { attached: () => undefined, handle: () => false, dispose: () => subscription.dispose() };
  };
}
