/**
 * The live workshops: who takes part in which, each workshop's dashboard (folded from its
 * events, kept in the store), the trainers following them, and what passes between a trainer
 * and a participant (watching, help, take-over, resets, banners). It owns that state alone;
 * the learner's page and session are reached through `LearnerLinks`, the trainers' sockets
 * through `TrainerSink`.
 */
import { randomBytes } from 'node:crypto';
import { ERRORS, LOCALES, ORIGINAL_LOCALE, type ClientMessage, type ErrorCode, type Locale, type LocalizedText, type ServerMessage } from '../protocol';
import type {
  ParticipantAction,
  TakeoverState,
  TrainerClientMessage,
  TrainerServerMessage,
  WorkshopDraft,
  WorkshopInfo,
  WorkshopState,
  WorkshopSummary,
} from '../protocol/workshops';
import type { Disposable } from '../common/disposable';
import type { ExplorerUpdate } from '../protocol/explorer';
import { DashboardModel, type LearnerEvent, type PlanStep, type WorkshopEvent } from './dashboard';
import { formatJoinCode, newJoinCode, normalizeJoinCode } from './join-code';
import { NO_RESERVATIONS, planReservation, type Reservations } from './reservations';
import { resultsCsv, resultsJson } from './results';
import type { ParticipantRecord, WorkshopRecord, WorkshopStore } from './store';

/** Events within this window reach the trainers as one dashboard (well under the 1 s promised). */
const PUSH_WINDOW_MS = 100;
/** Time alone changes rows (idle, stuck, time on step) and ends workshops: looked at this often. */
const TICK_MS = 15_000;

/** A learner's page and session, as the workshops reach them (the learner hub). */
export interface LearnerLinks {
  /** To the learner's page, if one is open. */
  send(learner: string, message: ServerMessage): void;
  isOpen(learner: string): boolean;
  /** The shell on `channel` of the learner's session, if it runs. */
  terminal(learner: string, channel: number): { watch(watch: (data: Uint8Array) => void): Disposable; input(data: string): void } | undefined;
  /**
   * The explorer of the learner's session, as their page gets it (the whole view now, then every
   * update), until disposed or the session ends, which calls `ended`; undefined without a session.
   */
  explorer(learner: string, send: (update: ExplorerUpdate) => void, ended: () => void): Disposable | undefined;
  /** Offers a message to the session's features, as if the page had sent it (a lesson reset). */
  offer(learner: string, message: ClientMessage): void;
  resetSandbox(learner: string): void;
  /** Releases the learner's sandbox and closes their page, which says why. */
  end(learner: string, code: ErrorCode): void;
  /** The learner just joined workshop `tag`: their session may be traded for one reserved for it. */
  offerReserved(learner: string, tag: string): void;
  /** Gives the learner's sandbox `ms` more lifetime and tells their page; the new end, or undefined without a sandbox. */
  extend(learner: string, ms: number): number | undefined;
  /** When the learner's sandbox reaches its lifetime (ms since epoch); undefined without one. */
  sessionEndsAt(learner: string): number | undefined;
}

/** A trainer's socket. */
export interface TrainerSink {
  send(message: TrainerServerMessage): void;
  /** The watched participant's terminal output (binary frames, byte 0 the channel). */
  frame(channel: number, data: Uint8Array): void;
}

/** `nodes`: how many the lesson needs (1 when not said). */
type CatalogLesson = { id: string; title: string; nodes?: number; steps: ReadonlyArray<{ id: string; title: string }> };

/** The course in one language (its originals where a lesson has no translation). */
export interface LessonCatalog {
  lessons(locale: Locale): readonly CatalogLesson[];
}

type Courses = ReadonlyMap<Locale, ReadonlyMap<string, CatalogLesson>>;

/** A text in every language, each from the course in that language (the original's where one has none). */
function localized(courses: Courses, pick: (course: ReadonlyMap<string, CatalogLesson>) => string | undefined): LocalizedText {
  const original = pick(courses.get(ORIGINAL_LOCALE)!) ?? '';
  return Object.fromEntries(LOCALES.map((locale) => [locale, pick(courses.get(locale)!) ?? original])) as LocalizedText;
}

interface Live {
  record: WorkshopRecord;
  model: DashboardModel;
  participants: Map<string, ParticipantRecord>;
  push?: ReturnType<typeof setTimeout>;
}

/** A participant a trainer watches, and the subscriptions that watching holds. */
interface Watching {
  workshop: string;
  participant: string;
  terminal?: Disposable;
  explorer?: Disposable;
}

interface Trainer {
  workshop?: string;
  watching?: Watching;
}

interface Participation {
  live: Live;
  participant: ParticipantRecord;
}

export class Workshops {
  readonly #live = new Map<string, Live>();
  readonly #byLearner = new Map<string, Participation>();
  /** Pages opened by a workshop's join link, given a sandbox, not joined yet: each holds a place's session. */
  readonly #arriving = new Map<string, Live>();
  readonly #trainers = new Map<TrainerSink, Trainer>();
  readonly #takeovers = new Map<string, TakeoverState>();
  #links: LearnerLinks | undefined;
  readonly #tick: ReturnType<typeof setInterval>;

  constructor(
    private readonly store: WorkshopStore,
    private readonly catalog: LessonCatalog,
    private readonly now: () => number = Date.now,
    /** Whole sessions started ahead for each workshop (the sandbox manager). */
    private readonly reservations: Reservations = NO_RESERVATIONS,
  ) {
    for (const record of store.workshops()) this.#reserve(this.#load(record));
    this.#tick = setInterval(() => this.#onTick(), TICK_MS);
    this.#tick.unref();
  }

  /** The learner hub, once it exists (it is made after the workshops it reports to). */
  connect(links: LearnerLinks): void {
    this.#links = links;
  }

  dispose(): void {
    clearInterval(this.#tick);
    for (const live of this.#live.values()) clearTimeout(live.push);
    for (const trainer of this.#trainers.values()) this.#unwatch(trainer);
    this.#trainers.clear();
  }

  // ---- the participant's side -----------------------------------------------------------------

  /**
   * The reservation a participant's sandbox may come from: their workshop's; for a page opened
   * by a join link, that workshop's while it runs and has a place (joining comes next).
   */
  reservation(learner: string, joinCode?: string): string | undefined {
    const mine = this.#byLearner.get(learner)?.live.record.id;
    if (mine || joinCode === undefined) return mine;
    const live = this.#byCode(joinCode);
    if (!live || live.record.state !== 'running' || this.#present(live).length >= live.record.capacity) return undefined;
    // The session this page takes is one fewer to keep started ahead (the page joins next).
    this.#arriving.set(learner, live);
    this.#reserve(live);
    return live.record.id;
  }

  /** Whether the learner may have a sandbox now: not while their workshop is paused. */
  admit(learner: string): ErrorCode | null {
    return this.#byLearner.get(learner)?.live.record.state === 'paused' ? 'WORKSHOP_PAUSED' : null;
  }

  opened(learner: string): void {
    const found = this.#byLearner.get(learner);
    if (!found) return;
    found.live.model.setConnected(found.participant.id, true);
    this.#tellParticipant(found, false);
    this.#changed(found.live);
  }

  closed(learner: string): void {
    const arriving = this.#arriving.get(learner);
    if (arriving && this.#arriving.delete(learner)) this.#reserve(arriving);
    const found = this.#byLearner.get(learner);
    if (!found) return;
    found.live.model.setConnected(found.participant.id, false);
    if (this.#takeovers.has(found.participant.id)) this.#setTakeover(found, 'ended');
    this.#changed(found.live);
  }

  /** The workshop messages of a participant's page; false for any other message. */
  handle(learner: string, message: ClientMessage, reply: (message: ServerMessage) => void): boolean {
    switch (message.type) {
      case 'workshop-join': {
        const refused = this.#join(learner, message.code, message.name);
        if (refused) reply({ type: 'error', code: refused, message: ERRORS[refused].message });
        return true;
      }
      case 'help-request':
        this.report(learner, { kind: 'hand', raised: message.raised });
        reply({ type: 'help', raised: message.raised && this.#byLearner.has(learner) });
        return true;
      case 'takeover-answer':
      case 'takeover-end': {
        const found = this.#byLearner.get(learner);
        if (found && this.#takeovers.has(found.participant.id)) {
          this.#setTakeover(found, message.type === 'takeover-answer' && message.accept ? 'active' : 'ended');
        }
        return true;
      }
      case 'lesson-reveal':
        this.report(learner, { kind: 'reveal', lessonId: message.lessonId, stepId: message.stepId, reveal: message.kind });
        return true;
      default:
        return false;
    }
  }

  /** Something a participant's session saw (a command, a step, verdicts); ignored for others. */
  report(learner: string, event: LearnerEvent): void {
    const found = this.#byLearner.get(learner);
    if (!found || found.live.record.state === 'ended') return;
    const { live, participant } = found;
    // The lessons' progress lists every completed step each time: only new ones are events.
    if (event.kind === 'completed' && live.model.isCompleted(participant.id, event.lessonId, event.stepId)) return;
    this.#record(live, { ...event, participant: participant.id, at: this.now() } as WorkshopEvent);
  }

  // ---- the trainer's side --------------------------------------------------------------------

  trainerConnected(sink: TrainerSink): void {
    this.#trainers.set(sink, {});
    const courses = this.#courses();
    const lessons = [...courses.get(ORIGINAL_LOCALE)!.keys()].map((id) => ({ id, title: localized(courses, (course) => course.get(id)?.title) }));
    sink.send({ type: 'trainer-welcome', workshops: this.#summaries(), lessons });
  }

  trainerClosed(sink: TrainerSink): void {
    const trainer = this.#trainers.get(sink);
    if (trainer) this.#unwatch(trainer);
    this.#trainers.delete(sink);
  }

  trainerMessage(sink: TrainerSink, message: TrainerClientMessage): void {
    const trainer = this.#trainers.get(sink);
    if (!trainer) return;
    const fail = (code: ErrorCode, detail?: string) =>
      sink.send({ type: 'trainer-error', code, message: detail ? `${ERRORS[code].message} (${detail})` : ERRORS[code].message });
    if (message.type === 'workshop-create') {
      const created = this.#create(message.draft);
      if (typeof created === 'string') return fail('INVALID_MESSAGE', created);
      trainer.workshop = created.record.id;
      this.#reserve(created);
      this.#sendWorkshops();
      return this.#sendDashboard(created, [sink]);
    }
    if (message.type === 'participant-unwatch') return this.#unwatch(trainer);
    const live = this.#live.get(message.workshopId);
    if (!live) return fail('WORKSHOP_NOT_FOUND');
    switch (message.type) {
      case 'workshop-open':
        trainer.workshop = live.record.id;
        return this.#sendDashboard(live, [sink]);
      case 'workshop-state':
        return this.#setState(live, message.state);
      case 'workshop-extend':
        this.#update(live, { endsAt: Math.max(live.record.endsAt, this.now()) + message.minutes * 60_000 });
        this.#reserve(live);
        // The sandboxes get the same time, so that their lifetime does not cut the extra minutes short.
        if (live.record.state !== 'ended') for (const participant of this.#present(live)) this.#extendSandbox({ live, participant }, message.minutes);
        return this.#tellEveryone(live);
      case 'workshop-broadcast':
        this.#update(live, { banner: message.text });
        for (const participant of this.#present(live)) this.#links?.send(participant.learner, { type: 'broadcast', text: message.text });
        return this.#sendWorkshops();
      default:
        break;
    }
    const participant = live.participants.get(message.participant);
    if (!participant || participant.removed) return fail('NOT_FOUND', 'no such participant');
    const found: Participation = { live, participant };
    switch (message.type) {
      case 'participant-action':
        return this.#act(found, message.action);
      case 'participant-extend':
        // After the end, their sandbox (if any) is theirs alone, no longer the workshop's.
        if (live.record.state === 'ended') return fail('WORKSHOP_ENDED');
        if (!this.#extendSandbox(found, message.minutes)) return fail('NOT_FOUND', 'the participant has no sandbox now');
        return;
      case 'participant-watch':
        return this.#watch(sink, trainer, found, message.channel);
      case 'takeover-request':
        if (!this.#links?.isOpen(participant.learner)) return fail('NOT_FOUND', 'the participant\'s page is closed');
        return this.#setTakeover(found, 'requested');
      case 'takeover-input':
        // Only while the participant's consent lasts; their page shows a banner meanwhile.
        if (this.#takeovers.get(participant.id) !== 'active') return fail('FORBIDDEN', 'the participant has not accepted a take-over');
        this.#links?.terminal(participant.learner, 0)?.input(message.data);
        return;
      case 'takeover-stop':
        if (this.#takeovers.has(participant.id)) this.#setTakeover(found, 'ended');
        return;
    }
  }

  /** GET results: null when there is no such workshop. */
  results(workshopId: string, format: 'csv' | 'json'): { type: string; body: string } | null {
    const live = this.#live.get(workshopId);
    if (!live) return null;
    const rows = live.model.results();
    if (format === 'csv') return { type: 'text/csv; charset=utf-8', body: resultsCsv(rows) };
    return { type: 'application/json; charset=utf-8', body: JSON.stringify(resultsJson(live.record, rows)) };
  }

  // ---- inside ---------------------------------------------------------------------------------

  #load(record: WorkshopRecord): Live {
    const live: Live = { record, model: new DashboardModel(this.#plan(record.lessons)), participants: new Map() };
    for (const participant of this.store.participants(record.id)) {
      live.participants.set(participant.id, participant);
      if (!participant.removed && record.state !== 'ended') this.#byLearner.set(participant.learner, { live, participant });
    }
    for (const event of this.store.events(record.id)) live.model.apply(event);
    this.#live.set(record.id, live);
    return live;
  }

  #plan(lessons: readonly string[]): PlanStep[] {
    const courses = this.#courses();
    return lessons.flatMap(
      (id) =>
        courses.get(ORIGINAL_LOCALE)!.get(id)?.steps.map((step) => ({
          lessonId: id,
          stepId: step.id,
          title: localized(courses, (course) => course.get(id)?.steps.find((other) => other.id === step.id)?.title),
        })) ?? [],
    );
  }

  /** The course in every language, each lesson by id. */
  #courses(): Courses {
    return new Map(LOCALES.map((locale) => [locale, new Map(this.catalog.lessons(locale).map((lesson) => [lesson.id, lesson]))]));
  }

  #create(draft: WorkshopDraft): Live | string {
    const known = new Set(this.catalog.lessons(ORIGINAL_LOCALE).map((lesson) => lesson.id));
    const unknown = draft.lessons.filter((id) => !known.has(id));
    if (unknown.length > 0) return `unknown lessons: ${unknown.join(', ')}`;
    if (draft.endsAt <= draft.startsAt) return 'the end must come after the start';
    const taken = new Set([...this.#live.values()].map((live) => live.record.code));
    let code = newJoinCode(randomBytes);
    while (taken.has(code)) code = newJoinCode(randomBytes);
    const record: WorkshopRecord = { ...draft, id: randomBytes(9).toString('base64url'), code, state: 'running', banner: null };
    this.store.create(record);
    return this.#load(record);
  }

  #join(learner: string, typed: string, name: string): ErrorCode | null {
    const live = this.#byCode(typed);
    if (!live || live.record.state === 'ended') return 'WORKSHOP_NOT_FOUND';
    const mine = [...live.participants.values()].find((participant) => participant.learner === learner);
    if (mine?.removed) return 'WORKSHOP_REMOVED';
    let participant = mine;
    if (!participant) {
      if (this.#present(live).length >= live.record.capacity) return 'WORKSHOP_FULL';
      participant = { id: randomBytes(9).toString('base64url'), workshop: live.record.id, learner, name, joinedAt: this.now(), removed: false };
      this.store.addParticipant(participant);
      live.participants.set(participant.id, participant);
      this.#record(live, { kind: 'joined', participant: participant.id, name, at: participant.joinedAt });
    }
    const found = { live, participant };
    this.#byLearner.set(learner, found);
    this.#arriving.delete(learner);
    live.model.setConnected(participant.id, this.#links?.isOpen(learner) ?? false);
    this.#tellParticipant(found, true);
    this.#sendWorkshops();
    if (live.record.state === 'paused') this.#links?.end(learner, 'WORKSHOP_PAUSED');
    // Traded first: the reservation, one smaller now, must not remove the session taken.
    else this.#links?.offerReserved(learner, live.record.id);
    this.#reserve(live);
    return null;
  }

  #byCode(typed: string): Live | undefined {
    const code = normalizeJoinCode(typed);
    return code ? [...this.#live.values()].find((candidate) => candidate.record.code === code) : undefined;
  }

  #act({ live, participant }: Participation, action: ParticipantAction): void {
    const links = this.#links;
    switch (action) {
      case 'reset-lesson': {
        const lessonId = live.model.view(this.now()).rows.find((row) => row.id === participant.id)?.lessonId;
        if (lessonId) links?.offer(participant.learner, { type: 'lesson-reset', lessonId });
        return;
      }
      case 'reset-sandbox':
        return links?.resetSandbox(participant.learner);
      case 'help-done':
        this.#record(live, { kind: 'hand', participant: participant.id, raised: false, at: this.now() });
        return links?.send(participant.learner, { type: 'help', raised: false });
      case 'remove':
        this.store.removeParticipant(participant.id);
        participant.removed = true;
        this.#byLearner.delete(participant.learner);
        this.#takeovers.delete(participant.id);
        this.#record(live, { kind: 'removed', participant: participant.id, at: this.now() });
        links?.end(participant.learner, 'WORKSHOP_REMOVED');
        this.#reserve(live);
        return this.#sendWorkshops();
    }
  }

  /** Whether the participant had a sandbox to extend; their row shows the new end. */
  #extendSandbox({ live, participant }: Participation, minutes: number): boolean {
    if (this.#links?.extend(participant.learner, minutes * 60_000) === undefined) return false;
    this.#changed(live);
    return true;
  }

  /** When the participant's sandbox ends, while it is the workshop's (not after the end or their removal). */
  #sessionEndsAt(live: Live, participantId: string): number | null {
    const participant = live.participants.get(participantId);
    if (!participant || participant.removed || live.record.state === 'ended') return null;
    return this.#links?.sessionEndsAt(participant.learner) ?? null;
  }

  #watch(sink: TrainerSink, trainer: Trainer, { live, participant }: Participation, channel: number): void {
    this.#unwatch(trainer);
    const terminal = this.#links?.terminal(participant.learner, channel);
    trainer.watching = { workshop: live.record.id, participant: participant.id };
    sink.send({ type: 'participant-terminal', participant: participant.id, channel, event: terminal ? 'attached' : 'gone' });
    if (terminal) trainer.watching.terminal = terminal.watch((data) => sink.frame(channel, data));
    this.#sendHistory(sink, live, participant.id);
    const explorer = (update: ExplorerUpdate | null) => sink.send({ type: 'participant-explorer', participant: participant.id, update });
    const watching = trainer.watching;
    watching.explorer = this.#links?.explorer(participant.learner, explorer, () => {
      // The session ended (a reset, the sandbox released): what the watch held is gone with it.
      this.#release(watching);
      if (trainer.watching === watching) explorer(null);
    });
  }

  #unwatch(trainer: Trainer): void {
    if (trainer.watching) this.#release(trainer.watching);
    trainer.watching = undefined;
  }

  /** The one place a watch's subscriptions end: unwatched, another watched, the trainer gone, the participant's session ended. */
  #release(watching: Watching): void {
    watching.terminal?.dispose();
    watching.explorer?.dispose();
    watching.terminal = undefined;
    watching.explorer = undefined;
  }

  #setTakeover({ live, participant }: Participation, state: TakeoverState): void {
    if (state === 'ended') this.#takeovers.delete(participant.id);
    else this.#takeovers.set(participant.id, state);
    live.model.setTakeover(participant.id, state === 'ended' ? null : state);
    this.#links?.send(participant.learner, { type: 'takeover', state });
    for (const [sink, trainer] of this.#trainers) {
      if (trainer.workshop === live.record.id) sink.send({ type: 'takeover', participant: participant.id, state });
    }
    this.#changed(live);
  }

  #setState(live: Live, state: 'running' | 'paused' | 'ended'): void {
    if (live.record.state === state || live.record.state === 'ended') return;
    this.#update(live, { state });
    const present = this.#present(live);
    if (state !== 'running') {
      // Sandboxes are released; progress stays in the lessons' store and the events here.
      for (const participant of present) {
        this.#takeovers.delete(participant.id);
        this.#links?.end(participant.learner, state === 'paused' ? 'WORKSHOP_PAUSED' : 'WORKSHOP_ENDED');
      }
    }
    if (state === 'ended') for (const participant of present) this.#byLearner.delete(participant.learner);
    this.#reserve(live);
    this.#tellEveryone(live);
    this.#sendWorkshops();
    this.#changed(live);
  }

  /** Tells the sandbox manager how many sessions to keep started ahead for `live` now. */
  #reserve(live: Live): void {
    const courses = this.#courses().get(ORIGINAL_LOCALE)!;
    const nodes = Math.max(1, ...live.record.lessons.map((id) => courses.get(id)?.nodes ?? 1));
    const arriving = [...this.#arriving.values()].filter((candidate) => candidate === live).length;
    const plan = planReservation({ ...live.record, participants: this.#present(live).length + arriving, nodes }, this.now());
    this.reservations.reserve(plan.tag, plan.sessions, plan.nodes);
  }

  #update(live: Live, change: Partial<Pick<WorkshopRecord, 'state' | 'endsAt' | 'banner'>>): void {
    this.store.update(live.record.id, change);
    Object.assign(live.record, change);
  }

  #record(live: Live, event: WorkshopEvent): void {
    if (!live.model.apply(event)) return;
    this.store.addEvent(live.record.id, event);
    this.#changed(live);
    if (event.kind === 'command' || event.kind === 'verdicts') this.#historyChanged(live, event.participant);
  }

  /** The dashboard of `live` goes to its trainers within PUSH_WINDOW_MS, once however many events came. */
  #changed(live: Live): void {
    live.push ??= setTimeout(() => {
      live.push = undefined;
      const sinks = [...this.#trainers].filter(([, trainer]) => trainer.workshop === live.record.id).map(([sink]) => sink);
      if (sinks.length > 0) this.#sendDashboard(live, sinks);
    }, PUSH_WINDOW_MS);
  }

  #historyChanged(live: Live, participant: string): void {
    for (const [sink, trainer] of this.#trainers) {
      if (trainer.watching?.workshop === live.record.id && trainer.watching.participant === participant) this.#sendHistory(sink, live, participant);
    }
  }

  #sendHistory(sink: TrainerSink, live: Live, participant: string): void {
    const history = live.model.history(participant);
    if (history) sink.send({ type: 'participant-history', participant, commands: [...history.commands], failingReason: history.failingReason });
  }

  #sendDashboard(live: Live, sinks: readonly TrainerSink[]): void {
    const at = this.now();
    const { rows, columns } = live.model.view(at);
    const withSandboxes = rows.map((row) => ({ ...row, sessionEndsAt: this.#sessionEndsAt(live, row.id) }));
    const message: TrainerServerMessage = { type: 'dashboard', workshop: this.#summary(live), rows: withSandboxes, columns, at };
    for (const sink of sinks) sink.send(message);
  }

  #sendWorkshops(): void {
    const message: TrainerServerMessage = { type: 'workshops', workshops: this.#summaries() };
    for (const sink of this.#trainers.keys()) sink.send(message);
  }

  #tellParticipant({ live, participant }: Participation, joined: boolean): void {
    const info: WorkshopInfo = {
      id: live.record.id,
      name: live.record.name,
      lessons: live.record.lessons,
      startsAt: live.record.startsAt,
      endsAt: live.record.endsAt,
      state: this.#state(live.record),
      participant: participant.name,
      ...(live.record.banner ? { banner: live.record.banner } : {}),
    };
    this.#links?.send(participant.learner, { type: 'workshop', workshop: info, ...(joined ? { joined } : {}) });
    const hand = live.model.view(this.now()).rows.find((row) => row.id === participant.id)?.hand;
    if (hand) this.#links?.send(participant.learner, { type: 'help', raised: true });
    const takeover = this.#takeovers.get(participant.id);
    if (takeover) this.#links?.send(participant.learner, { type: 'takeover', state: takeover });
  }

  #tellEveryone(live: Live): void {
    for (const participant of live.participants.values()) {
      if (!participant.removed) this.#tellParticipant({ live, participant }, false);
    }
  }

  #present(live: Live): ParticipantRecord[] {
    return [...live.participants.values()].filter((participant) => !participant.removed);
  }

  #state(record: WorkshopRecord): WorkshopState {
    return record.state === 'running' && this.now() < record.startsAt ? 'scheduled' : record.state;
  }

  #summary(live: Live): WorkshopSummary {
    const { id, name, lessons, startsAt, endsAt, capacity, code } = live.record;
    return { id, name, lessons, startsAt, endsAt, capacity, code: formatJoinCode(code), state: this.#state(live.record), participants: this.#present(live).length };
  }

  #summaries(): WorkshopSummary[] {
    return [...this.#live.values()].map((live) => this.#summary(live));
  }

  /**
   * Workshops past their end time end; the others' reservations follow the time (they open
   * before the start); dashboards being followed are sent again (time moved).
   */
  #onTick(): void {
    const now = this.now();
    for (const live of this.#live.values()) {
      if (live.record.state !== 'ended' && now < live.record.endsAt) this.#reserve(live);
      if (live.record.state !== 'ended' && now >= live.record.endsAt) this.#setState(live, 'ended');
      else if ([...this.#trainers.values()].some((trainer) => trainer.workshop === live.record.id)) this.#changed(live);
    }
  }
}
