/**
 * A workshop's live picture, folded from its events: one row per participant and, per step of
 * the plan, how far the room is. The same events are kept in SQLite, so a restarted server
 * replays them into the same picture. Pure: every event carries its time, `view` takes now.
 */
import type { LocalizedText } from '../protocol/locale';
import type { DashboardColumn, DashboardRow, TakeoverState } from '../protocol/workshops';
import { activityState } from './activity';

export interface PlanStep {
  lessonId: string;
  stepId: string;
  title: LocalizedText;
}

type At = { participant: string; at: number };
type StepRef = { lessonId: string; stepId: string };

export type WorkshopEvent =
  | ({ kind: 'joined'; name: string } & At)
  | ({ kind: 'removed' } & At)
  | ({ kind: 'step' } & StepRef & At)
  | ({ kind: 'verdicts'; passed: number; total: number; failing: string | null; complete: boolean } & StepRef & At)
  | ({ kind: 'completed' } & StepRef & At)
  | ({ kind: 'lesson-reset'; lessonId: string } & At)
  | ({ kind: 'command'; command: string; exitCode: number | null; node: string } & At)
  | ({ kind: 'hand'; raised: boolean } & At)
  | ({ kind: 'reveal'; reveal: 'hint' | 'solution' } & StepRef & At);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a learner's session reports it: the coordinator adds who and when. */
export type LearnerEvent = DistributiveOmit<WorkshopEvent, 'at' | 'participant'>;
export type UntimedEvent = DistributiveOmit<WorkshopEvent, 'at'>;

/** What one participant did on one step, for the results. */
export interface StepRecord {
  firstSeenAt: number;
  completedAt: number | null;
  /** Judgements of the step's checks that followed a command. */
  attempts: number;
  hints: number;
  solutions: number;
}

export interface CommandLine {
  command: string;
  exitCode: number | null;
  at: number;
  node: string;
}

/** Enough for the trainer's view of one participant; older commands are dropped. */
const HISTORY = 100;

interface Participant {
  id: string;
  name: string;
  joinedAt: number;
  step: StepRef | null;
  stepSince: number | null;
  passed: number;
  total: number;
  failing: string | null;
  sameFailure: number;
  commandSinceVerdict: boolean;
  lastActivityAt: number;
  history: CommandLine[];
  hand: { at: number } | null;
  steps: Map<string, StepRecord>;
  connected: boolean;
  takeover: TakeoverState | null;
}

const keyOf = (lessonId: string, stepId: string) => `${lessonId}/${stepId}`;

export class DashboardModel {
  readonly #participants = new Map<string, Participant>();

  constructor(readonly plan: readonly PlanStep[]) {}

  /** Whether the event changed anything (only those are worth keeping). */
  apply(event: WorkshopEvent): boolean {
    if (event.kind === 'joined') {
      if (this.#participants.has(event.participant)) return false;
      this.#participants.set(event.participant, fresh(event.participant, event.name, event.at));
      return true;
    }
    const who = this.#participants.get(event.participant);
    if (!who) return false;
    switch (event.kind) {
      case 'removed':
        return this.#participants.delete(event.participant);
      case 'step':
        if (who.step && keyOf(who.step.lessonId, who.step.stepId) === keyOf(event.lessonId, event.stepId)) return false;
        who.step = { lessonId: event.lessonId, stepId: event.stepId };
        who.stepSince = event.at;
        Object.assign(who, { passed: 0, total: 0, failing: null, sameFailure: 0, commandSinceVerdict: false });
        record(who, event).firstSeenAt = Math.min(record(who, event).firstSeenAt, event.at);
        return true;
      case 'verdicts': {
        if (!who.step || keyOf(who.step.lessonId, who.step.stepId) !== keyOf(event.lessonId, event.stepId)) return false;
        const afterCommand = who.commandSinceVerdict;
        const failing = event.complete ? null : event.failing;
        if (!afterCommand && who.passed === event.passed && who.total === event.total && who.failing === failing) return false;
        if (afterCommand) record(who, event).attempts += 1;
        if (event.complete || event.failing === null) who.sameFailure = 0;
        else if (event.failing === who.failing) who.sameFailure += afterCommand ? 1 : 0;
        else who.sameFailure = afterCommand ? 1 : 0;
        Object.assign(who, { passed: event.passed, total: event.total, failing, commandSinceVerdict: false });
        return true;
      }
      case 'completed': {
        const step = record(who, event);
        if (step.completedAt !== null) return false;
        step.completedAt = event.at;
        return true;
      }
      case 'lesson-reset': {
        let changed = false;
        for (const [key, step] of who.steps) {
          if (!key.startsWith(`${event.lessonId}/`) || step.completedAt === null) continue;
          step.completedAt = null;
          changed = true;
        }
        return changed;
      }
      case 'command':
        who.history.push({ command: event.command, exitCode: event.exitCode, at: event.at, node: event.node });
        if (who.history.length > HISTORY) who.history.shift();
        who.lastActivityAt = event.at;
        who.commandSinceVerdict = true;
        return true;
      case 'hand':
        if ((who.hand !== null) === event.raised) return false;
        who.hand = event.raised ? { at: event.at } : null;
        return true;
      case 'reveal':
        record(who, event)[event.reveal === 'hint' ? 'hints' : 'solutions'] += 1;
        return true;
    }
  }

  isCompleted(participant: string, lessonId: string, stepId: string): boolean {
    return this.#participants.get(participant)?.steps.get(keyOf(lessonId, stepId))?.completedAt != null;
  }

  has(participant: string): boolean {
    return this.#participants.has(participant);
  }

  /** Live facts no event records: whether the page is open, a take-over. */
  setConnected(participant: string, connected: boolean): void {
    const who = this.#participants.get(participant);
    if (who) who.connected = connected;
  }

  setTakeover(participant: string, state: TakeoverState | null): void {
    const who = this.#participants.get(participant);
    if (who) who.takeover = state;
  }

  history(participant: string): { commands: readonly CommandLine[]; failingReason: string | null } | undefined {
    const who = this.#participants.get(participant);
    return who && { commands: who.history, failingReason: who.failing };
  }

  /** The rows without `sessionEndsAt`: the sandboxes are not the model's to know. */
  view(now: number): { rows: Array<Omit<DashboardRow, 'sessionEndsAt'>>; columns: DashboardColumn[] } {
    const everyone = [...this.#participants.values()];
    const rows = everyone.map((who): Omit<DashboardRow, 'sessionEndsAt'> => {
      const activity = activityState({
        now,
        stepSince: who.stepSince,
        lastActivityAt: who.lastActivityAt,
        sameFailure: who.sameFailure,
        ...this.#room(who, everyone, now),
      });
      const last = who.history.at(-1);
      return {
        id: who.id,
        name: who.name,
        lessonId: who.step?.lessonId ?? null,
        stepId: who.step?.stepId ?? null,
        completed: this.plan.filter((step) => who.steps.get(keyOf(step.lessonId, step.stepId))?.completedAt != null).length,
        checksPassed: who.passed,
        checksTotal: who.total,
        stepSince: who.stepSince,
        lastCommand: last ? { command: last.command, exitCode: last.exitCode, at: last.at } : null,
        failingReason: who.failing,
        state: activity.state,
        ...(activity.reason ? { stateReason: activity.reason } : {}),
        hand: who.hand,
        connected: who.connected,
        takeover: who.takeover,
      };
    });
    const columns = this.plan.map((step): DashboardColumn => {
      const key = keyOf(step.lessonId, step.stepId);
      return {
        ...step,
        here: everyone.filter((who) => who.step && keyOf(who.step.lessonId, who.step.stepId) === key).length,
        completed: everyone.filter((who) => who.steps.get(key)?.completedAt != null).length,
      };
    });
    return { rows, columns };
  }

  /** Per participant and step of the plan, what they did: the results' rows. */
  results(): Array<{ participant: string; name: string; joinedAt: number } & PlanStep & StepRecord> {
    return [...this.#participants.values()].flatMap((who) =>
      this.plan.map((step) => ({
        participant: who.id,
        name: who.name,
        joinedAt: who.joinedAt,
        ...step,
        ...(who.steps.get(keyOf(step.lessonId, step.stepId)) ?? { firstSeenAt: 0, completedAt: null, attempts: 0, hints: 0, solutions: 0 }),
      })),
    );
  }

  /** How long the others took for `who`'s step, and how long those still on it have been. */
  #room(who: Participant, everyone: readonly Participant[], now: number) {
    const othersDone: number[] = [];
    const othersOnIt: number[] = [];
    if (!who.step) return { othersDone, othersOnIt };
    const key = keyOf(who.step.lessonId, who.step.stepId);
    for (const other of everyone) {
      if (other === who) continue;
      const step = other.steps.get(key);
      if (step?.completedAt != null) othersDone.push(step.completedAt - step.firstSeenAt);
      else if (other.step && keyOf(other.step.lessonId, other.step.stepId) === key && other.stepSince !== null) othersOnIt.push(now - other.stepSince);
    }
    return { othersDone, othersOnIt };
  }
}

function fresh(id: string, name: string, at: number): Participant {
  return {
    id,
    name,
    joinedAt: at,
    step: null,
    stepSince: null,
    passed: 0,
    total: 0,
    failing: null,
    sameFailure: 0,
    commandSinceVerdict: false,
    lastActivityAt: at,
    history: [],
    hand: null,
    steps: new Map(),
    connected: false,
    takeover: null,
  };
}

function record(who: Participant, step: StepRef & { at: number }): StepRecord {
  const key = keyOf(step.lessonId, step.stepId);
  let found = who.steps.get(key);
  if (!found) {
    found = { firstSeenAt: step.at, completedAt: null, attempts: 0, hints: 0, solutions: 0 };
    who.steps.set(key, found);
  }
  return found;
}
