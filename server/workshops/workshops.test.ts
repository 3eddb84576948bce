import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ErrorCode, ExplorerUpdate, Locale, ServerMessage, TrainerServerMessage } from '../protocol';
import { sqliteWorkshopStore, type WorkshopStore } from './store';
import { Workshops, type LearnerLinks, type TrainerSink } from './workshops';

const catalog = {
  lessons: (locale: Locale) =>
    locale === 'zh'
      ? [{ id: 'hello', title: '你好', steps: [{ id: 'run', title: '运行它' }, { id: 'list', title: '列出它们' }] }]
      : [{ id: 'hello', title: 'Hello', steps: [{ id: 'run', title: 'Run it' }, { id: 'list', title: 'List them' }] }],
};
const HOUR = 3_600_000;

/** A participant's explorer as their session shows it: one network on node1. */
const VIEW: ExplorerUpdate = {
  type: 'explorer',
  view: { nodes: [{ node: 'node1', containers: [], images: [], networks: [{ id: 'n', name: 'tnet', driver: 'bridge', containers: [] }], volumes: [] }] },
  live: true,
};

/** A subscription to a session's explorer, as the fake hands it out. */
interface ExplorerSubscription {
  learner: string;
  send: (update: ExplorerUpdate) => void;
  /** What the session calls when it ends. */
  ended: () => void;
  disposed: boolean;
}

class FakeLinks implements LearnerLinks {
  readonly sent = new Map<string, ServerMessage[]>();
  readonly explorers: ExplorerSubscription[] = [];
  readonly ended: Array<[string, ErrorCode]> = [];
  readonly offered: Array<[string, ClientMessage]> = [];
  readonly typed: string[] = [];
  /** Each learner's sandbox, by when its lifetime ends; learners not listed have none. */
  readonly sandboxEnds = new Map<string, number>();
  send(learner: string, message: ServerMessage) {
    this.sent.set(learner, [...(this.sent.get(learner) ?? []), message]);
  }
  isOpen = () => true;
  terminal = () => ({ watch: () => ({ dispose: () => undefined }), input: (data: string) => void this.typed.push(data) });
  explorer(learner: string, send: (update: ExplorerUpdate) => void, ended: () => void) {
    const subscription: ExplorerSubscription = { learner, send, ended, disposed: false };
    this.explorers.push(subscription);
    // A session's explorer sends its whole view at once.
    send(VIEW);
    return { dispose: () => void (subscription.disposed = true) };
  }
  /** The learner's subscriptions not disposed yet. */
  watching(learner: string) {
    return this.explorers.filter((subscription) => subscription.learner === learner && !subscription.disposed);
  }
  offer(learner: string, message: ClientMessage) {
    this.offered.push([learner, message]);
  }
  resetSandbox = () => undefined;
  end(learner: string, code: ErrorCode) {
    this.ended.push([learner, code]);
  }
  /** What the workshops asked of the hub and the sandbox manager, in order. */
  readonly calls: string[] = [];
  offerReserved(learner: string, tag: string) {
    this.calls.push(`offer ${learner} ${tag}`);
  }
  extend(learner: string, ms: number) {
    const endsAt = this.sandboxEnds.get(learner);
    if (endsAt !== undefined) this.sandboxEnds.set(learner, endsAt + ms);
    return this.sandboxEnds.get(learner);
  }
  sessionEndsAt = (learner: string) => this.sandboxEnds.get(learner);
}

class FakeTrainer implements TrainerSink {
  readonly messages: TrainerServerMessage[] = [];
  send(message: TrainerServerMessage) {
    this.messages.push(message);
  }
  frame = () => undefined;
  last<T extends TrainerServerMessage['type']>(type: T) {
    return this.messages.filter((message): message is Extract<TrainerServerMessage, { type: T }> => message.type === type).at(-1);
  }
}

let db: Database.Database;
let store: WorkshopStore;
let clock = 0;
beforeEach(() => {
  vi.useFakeTimers();
  db = new Database(':memory:');
  store = sqliteWorkshopStore(db);
  clock = 1_000_000;
});
afterEach(() => {
  vi.useRealTimers();
  db.close();
});

function setUp() {
  const workshops = new Workshops(store, catalog, () => clock);
  const links = new FakeLinks();
  workshops.connect(links);
  const trainer = new FakeTrainer();
  workshops.trainerConnected(trainer);
  workshops.trainerMessage(trainer, { type: 'workshop-create', draft: { name: 'Onboarding', lessons: ['hello'], startsAt: clock, endsAt: clock + HOUR, capacity: 2 } });
  const workshop = trainer.last('dashboard')!.workshop;
  return { workshops, links, trainer, workshop };
}

const join = (workshops: Workshops, learner: string, code: string, name: string) => {
  const replies: ServerMessage[] = [];
  workshops.handle(learner, { type: 'workshop-join', code, name }, (reply) => replies.push(reply));
  return replies;
};

describe('workshops', () => {
  it('let learners join by code, up to the capacity, and tell them they joined', () => {
    const { workshops, links, workshop } = setUp();
    expect(workshop.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(join(workshops, 'ada', workshop.code.toLowerCase(), 'Ada')).toEqual([]);
    expect(links.sent.get('ada')?.[0]).toMatchObject({ type: 'workshop', joined: true, workshop: { name: 'Onboarding', lessons: ['hello'], participant: 'Ada' } });
    expect(join(workshops, 'bob', workshop.code, 'Bob')).toEqual([]);
    expect(join(workshops, 'cy', workshop.code, 'Cy')).toMatchObject([{ type: 'error', code: 'WORKSHOP_FULL' }]);
    expect(join(workshops, 'cy', 'ZZZZ-ZZZZ', 'Cy')).toMatchObject([{ type: 'error', code: 'WORKSHOP_NOT_FOUND' }]);
  });

  it('push a completed step to the trainer\'s dashboard within the push window', () => {
    const { workshops, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    workshops.report('ada', { kind: 'step', lessonId: 'hello', stepId: 'run' });
    workshops.report('ada', { kind: 'command', command: 'docker run hello-world', exitCode: 0, node: 'node1' });
    workshops.report('ada', { kind: 'completed', lessonId: 'hello', stepId: 'run' });
    // Learners who are in no workshop report nothing.
    workshops.report('stranger', { kind: 'completed', lessonId: 'hello', stepId: 'run' });
    vi.advanceTimersByTime(100);
    const dashboard = trainer.last('dashboard')!;
    expect(dashboard.rows).toMatchObject([{ name: 'Ada', stepId: 'run', completed: 1, lastCommand: { command: 'docker run hello-world' } }]);
    expect(dashboard.columns[0]).toMatchObject({ stepId: 'run', completed: 1, here: 1 });
  });

  it("give the trainer's page lesson and step titles in every language, for it to pick its own", () => {
    const { trainer } = setUp();
    expect(trainer.last('trainer-welcome')!.lessons).toEqual([{ id: 'hello', title: { en: 'Hello', zh: '你好' } }]);
    expect(trainer.last('dashboard')!.columns.map((column) => column.title)).toEqual([
      { en: 'Run it', zh: '运行它' },
      { en: 'List them', zh: '列出它们' },
    ]);
  });

  it('queue a raised hand, and lower it when the trainer helped', () => {
    const { workshops, links, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    workshops.handle('ada', { type: 'help-request', raised: true }, () => undefined);
    vi.advanceTimersByTime(100);
    const row = trainer.last('dashboard')!.rows[0]!;
    expect(row.hand).toEqual({ at: clock });
    workshops.trainerMessage(trainer, { type: 'participant-action', workshopId: workshop.id, participant: row.id, action: 'help-done' });
    vi.advanceTimersByTime(100);
    expect(trainer.last('dashboard')!.rows[0]!.hand).toBeNull();
    expect(links.sent.get('ada')?.at(-1)).toEqual({ type: 'help', raised: false });
  });

  it('type for the trainer only while the participant accepts a take-over', () => {
    const { workshops, links, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    vi.advanceTimersByTime(100);
    const participant = trainer.last('dashboard')!.rows[0]!.id;
    const ref = { workshopId: workshop.id, participant };
    workshops.trainerMessage(trainer, { type: 'takeover-input', ...ref, data: 'ls\r' });
    expect(trainer.last('trainer-error')).toMatchObject({ code: 'FORBIDDEN' });
    workshops.trainerMessage(trainer, { type: 'takeover-request', ...ref });
    expect(links.sent.get('ada')?.at(-1)).toEqual({ type: 'takeover', state: 'requested' });
    workshops.handle('ada', { type: 'takeover-answer', accept: true }, () => undefined);
    expect(links.sent.get('ada')?.at(-1)).toEqual({ type: 'takeover', state: 'active' });
    workshops.trainerMessage(trainer, { type: 'takeover-input', ...ref, data: 'ls\r' });
    expect(links.typed).toEqual(['ls\r']);
    workshops.handle('ada', { type: 'takeover-end' }, () => undefined);
    expect(trainer.last('takeover')).toEqual({ type: 'takeover', participant, state: 'ended' });
    workshops.trainerMessage(trainer, { type: 'takeover-input', ...ref, data: 'rm -rf /\r' });
    expect(links.typed).toEqual(['ls\r']);
  });

  it('broadcast a banner to every participant, and release sandboxes when paused or ended', () => {
    const { workshops, links, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    join(workshops, 'bob', workshop.code, 'Bob');
    workshops.trainerMessage(trainer, { type: 'workshop-broadcast', workshopId: workshop.id, text: 'Break until 11:00' });
    for (const learner of ['ada', 'bob']) expect(links.sent.get(learner)).toContainEqual({ type: 'broadcast', text: 'Break until 11:00' });
    workshops.trainerMessage(trainer, { type: 'workshop-state', workshopId: workshop.id, state: 'paused' });
    expect(links.ended).toEqual([['ada', 'WORKSHOP_PAUSED'], ['bob', 'WORKSHOP_PAUSED']]);
    expect(workshops.admit('ada')).toBe('WORKSHOP_PAUSED');
    workshops.trainerMessage(trainer, { type: 'workshop-state', workshopId: workshop.id, state: 'ended' });
    expect(workshops.admit('ada')).toBeNull();
  });

  it('end a workshop at its end time, unless extended', () => {
    const { workshops, trainer, workshop } = setUp();
    workshops.trainerMessage(trainer, { type: 'workshop-extend', workshopId: workshop.id, minutes: 30 });
    clock += HOUR + 1;
    vi.advanceTimersByTime(15_000);
    expect(trainer.last('workshops')!.workshops[0]!.state).toBe('running');
    clock += 30 * 60_000;
    vi.advanceTimersByTime(15_000);
    expect(trainer.last('workshops')!.workshops[0]!.state).toBe('ended');
  });

  it("extend one participant's sandbox, showing its new end in their row", () => {
    const { workshops, links, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    join(workshops, 'bob', workshop.code, 'Bob');
    links.sandboxEnds.set('ada', clock + HOUR);
    vi.advanceTimersByTime(100);
    const rows = () => Object.fromEntries(trainer.last('dashboard')!.rows.map((row) => [row.name, row]));
    expect(rows().Ada!.sessionEndsAt).toBe(clock + HOUR);
    expect(rows().Bob!.sessionEndsAt).toBeNull();

    const ref = (name: string) => ({ workshopId: workshop.id, participant: rows()[name]!.id });
    workshops.trainerMessage(trainer, { type: 'participant-extend', ...ref('Ada'), minutes: 15 });
    vi.advanceTimersByTime(100);
    expect(rows().Ada!.sessionEndsAt).toBe(clock + HOUR + 15 * 60_000);
    expect(links.sandboxEnds.get('bob')).toBeUndefined();

    // Bob has no sandbox now (his page is closed and it was reaped, say): nothing to extend.
    workshops.trainerMessage(trainer, { type: 'participant-extend', ...ref('Bob'), minutes: 15 });
    expect(trainer.last('trainer-error')).toMatchObject({ code: 'NOT_FOUND' });
    workshops.trainerMessage(trainer, { type: 'participant-extend', workshopId: workshop.id, participant: 'nobody-at-all', minutes: 15 });
    expect(trainer.last('trainer-error')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no such participant') });
  });

  it('extend every present sandbox with the workshop, and none after its end', () => {
    const { workshops, links, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    join(workshops, 'bob', workshop.code, 'Bob');
    links.sandboxEnds.set('ada', clock + HOUR);
    links.sandboxEnds.set('bob', clock + 2 * HOUR);
    workshops.trainerMessage(trainer, { type: 'workshop-extend', workshopId: workshop.id, minutes: 30 });
    expect(links.sandboxEnds).toEqual(new Map([['ada', clock + HOUR + 30 * 60_000], ['bob', clock + 2 * HOUR + 30 * 60_000]]));

    vi.advanceTimersByTime(100);
    const ada = trainer.last('dashboard')!.rows.find((row) => row.name === 'Ada')!.id;
    workshops.trainerMessage(trainer, { type: 'workshop-state', workshopId: workshop.id, state: 'ended' });
    // Ada goes on alone: her sandbox, if she gets one, is no longer the workshop's to extend or show.
    workshops.trainerMessage(trainer, { type: 'participant-extend', workshopId: workshop.id, participant: ada, minutes: 15 });
    expect(trainer.last('trainer-error')).toMatchObject({ code: 'WORKSHOP_ENDED' });
    workshops.trainerMessage(trainer, { type: 'workshop-extend', workshopId: workshop.id, minutes: 30 });
    expect(links.sandboxEnds.get('ada')).toBe(clock + HOUR + 30 * 60_000);
    vi.advanceTimersByTime(100);
    expect(trainer.last('dashboard')!.rows.map((row) => row.sessionEndsAt)).toEqual([null, null]);
  });

  it('show the same dashboard after a restart, from the store', () => {
    const { workshops, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    workshops.report('ada', { kind: 'step', lessonId: 'hello', stepId: 'run' });
    workshops.report('ada', { kind: 'completed', lessonId: 'hello', stepId: 'run' });
    vi.advanceTimersByTime(100);
    const before = trainer.last('dashboard')!;
    workshops.dispose();

    const restarted = new Workshops(store, catalog, () => clock);
    const again = new FakeTrainer();
    restarted.trainerConnected(again);
    restarted.trainerMessage(again, { type: 'workshop-open', workshopId: workshop.id });
    // The page is open again once it reconnects to the restarted server.
    const offline = { ...before, rows: before.rows.map((row) => ({ ...row, connected: false })) };
    expect(again.last('dashboard')).toEqual(offline);
    restarted.opened('ada');
    vi.advanceTimersByTime(100);
    expect(again.last('dashboard')).toEqual(before);
    expect(restarted.results(workshop.id, 'csv')!.body).toContain(',Ada,hello,run,Run it,');
  });

  it("show the watched participant's explorer to the trainer only: the whole view, then every update", () => {
    const { workshops, links, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    join(workshops, 'bob', workshop.code, 'Bob');
    vi.advanceTimersByTime(100);
    const ada = trainer.last('dashboard')!.rows.find((row) => row.name === 'Ada')!.id;
    workshops.trainerMessage(trainer, { type: 'participant-watch', workshopId: workshop.id, participant: ada, channel: 0 });
    expect(trainer.last('participant-explorer')).toEqual({ type: 'participant-explorer', participant: ada, update: VIEW });
    const diff: ExplorerUpdate = { type: 'explorer-diff', node: 'node1', changes: [{ op: '+', kind: 'network', name: 'tnet' }], summary: '+ network tnet' };
    links.watching('ada')[0]!.send(diff);
    expect(trainer.last('participant-explorer')).toEqual({ type: 'participant-explorer', participant: ada, update: diff });
    expect(links.explorers.map((subscription) => subscription.learner)).toEqual(['ada']);
    // Participants' pages get nothing of anyone's explorer from the workshops.
    const shown = [...links.sent.values()].flat().filter((message) => message.type.includes('explorer'));
    expect(shown).toEqual([]);
  });

  describe("end the explorer subscription of a watch in one place, when", () => {
    /** A trainer watching Ada's explorer, and Bob in the workshop too. */
    function watchingAda() {
      const { workshops, links, trainer, workshop } = setUp();
      join(workshops, 'ada', workshop.code, 'Ada');
      join(workshops, 'bob', workshop.code, 'Bob');
      vi.advanceTimersByTime(100);
      const id = (name: string) => trainer.last('dashboard')!.rows.find((row) => row.name === name)!.id;
      const watch = (participant: string) => workshops.trainerMessage(trainer, { type: 'participant-watch', workshopId: workshop.id, participant, channel: 0 });
      watch(id('Ada'));
      const [subscription] = links.watching('ada');
      expect(subscription).toBeDefined();
      return { workshops, links, trainer, workshop, id, watch, subscription: subscription! };
    }

    it('the trainer unwatches', () => {
      const { workshops, trainer, subscription } = watchingAda();
      workshops.trainerMessage(trainer, { type: 'participant-unwatch' });
      expect(subscription.disposed).toBe(true);
    });

    it('the trainer watches someone else', () => {
      const { links, id, watch, subscription } = watchingAda();
      watch(id('Bob'));
      expect(subscription.disposed).toBe(true);
      expect(links.watching('bob')).toHaveLength(1);
    });

    it("the trainer's socket closes", () => {
      const { workshops, trainer, subscription } = watchingAda();
      workshops.trainerClosed(trainer);
      expect(subscription.disposed).toBe(true);
    });

    it("the participant's session ends: the trainer's page is told the explorer is gone", () => {
      const { trainer, id, subscription } = watchingAda();
      subscription.ended();
      expect(subscription.disposed).toBe(true);
      expect(trainer.last('participant-explorer')).toEqual({ type: 'participant-explorer', participant: id('Ada'), update: null });
    });

    it('the workshops stop', () => {
      const { workshops, subscription } = watchingAda();
      workshops.dispose();
      expect(subscription.disposed).toBe(true);
    });
  });

  it('keep a participant out once removed', () => {
    const { workshops, links, trainer, workshop } = setUp();
    join(workshops, 'ada', workshop.code, 'Ada');
    vi.advanceTimersByTime(100);
    const participant = trainer.last('dashboard')!.rows[0]!.id;
    workshops.trainerMessage(trainer, { type: 'participant-action', workshopId: workshop.id, participant, action: 'remove' });
    expect(links.ended).toEqual([['ada', 'WORKSHOP_REMOVED']]);
    expect(join(workshops, 'ada', workshop.code, 'Ada')).toMatchObject([{ code: 'WORKSHOP_REMOVED' }]);
  });
});

describe('reserved sessions', () => {
  const MINUTE = 60_000;
  const TICK = 15_000;
  const twoNodes = { lessons: (locale: Locale) => catalog.lessons(locale).map((lesson) => ({ ...lesson, nodes: 2 })) };

  /** A workshop starting in an hour, its reservations going to the links' calls. */
  function reserving() {
    const links = new FakeLinks();
    const reserved = (workshop: string) => links.calls.filter((call) => call.startsWith(`reserve ${workshop} `)).at(-1);
    const workshops = new Workshops(store, twoNodes, () => clock, { reserve: (tag, sessions, nodes) => void links.calls.push(`reserve ${tag} ${sessions}x${nodes}`) });
    workshops.connect(links);
    const trainer = new FakeTrainer();
    workshops.trainerConnected(trainer);
    workshops.trainerMessage(trainer, { type: 'workshop-create', draft: { name: 'Swarm', lessons: ['hello'], startsAt: clock + HOUR, endsAt: clock + 2 * HOUR, capacity: 3 } });
    const workshop = trainer.last('dashboard')!.workshop;
    return { workshops, links, trainer, workshop, reserved: () => reserved(workshop.id) };
  }

  it('reserves a session of the lessons’ nodes for each place from 15 minutes before the start', () => {
    const { reserved } = reserving();
    expect(reserved()).toMatch(/ 0x2$/);
    clock += 45 * MINUTE - 1;
    vi.advanceTimersByTime(TICK);
    expect(reserved()).toMatch(/ 0x2$/);
    clock += 1;
    vi.advanceTimersByTime(TICK);
    expect(reserved()).toMatch(/ 3x2$/);
  });

  it('offers a joining participant a reserved session before the reservation shrinks, and grows it again on removal', () => {
    const { workshops, links, trainer, workshop, reserved } = reserving();
    clock += HOUR;
    join(workshops, 'ada', workshop.code, 'Ada');
    expect(links.calls.slice(-2)).toEqual([`offer ada ${workshop.id}`, `reserve ${workshop.id} 2x2`]);
    expect(workshops.reservation('ada')).toBe(workshop.id);
    expect(workshops.reservation('stranger')).toBeUndefined();
    vi.advanceTimersByTime(100);
    const participant = trainer.last('dashboard')!.rows[0]!.id;
    workshops.trainerMessage(trainer, { type: 'participant-action', workshopId: workshop.id, participant, action: 'remove' });
    expect(reserved()).toMatch(/ 3x2$/);
  });

  it('gives a page opened by a join link the workshop’s reservation while it runs and has a place; the place’s session is taken', () => {
    const { workshops, trainer, workshop, reserved } = reserving();
    clock += HOUR;
    vi.advanceTimersByTime(TICK);
    expect(reserved()).toMatch(/ 3x2$/);
    const typed = workshop.code.toLowerCase().replace('-', ' ');
    expect(workshops.reservation('ada', typed)).toBe(workshop.id);
    expect(reserved()).toMatch(/ 2x2$/);
    expect(workshops.reservation('zed', 'ZZZZ-ZZZZ')).toBeUndefined();
    expect(workshops.reservation('zed', 'x'.repeat(10_000))).toBeUndefined();
    // A page closed before joining gives its place's session back; joining keeps it taken.
    expect(workshops.reservation('zed', workshop.code)).toBe(workshop.id);
    expect(reserved()).toMatch(/ 1x2$/);
    workshops.closed('zed');
    expect(reserved()).toMatch(/ 2x2$/);
    join(workshops, 'ada', workshop.code, 'Ada');
    expect(reserved()).toMatch(/ 2x2$/);
    for (const [learner, name] of [['bob', 'Bob'], ['cy', 'Cy']]) join(workshops, learner!, workshop.code, name!);
    expect(reserved()).toMatch(/ 0x2$/);
    // Full: a fourth page gets an ordinary sandbox (joining will say WORKSHOP_FULL).
    expect(workshops.reservation('dee', workshop.code)).toBeUndefined();
    expect(workshops.reservation('ada', 'ZZZZ-ZZZZ')).toBe(workshop.id);
    workshops.trainerMessage(trainer, { type: 'workshop-state', workshopId: workshop.id, state: 'paused' });
    expect(workshops.reservation('dee', workshop.code)).toBeUndefined();
  });

  it('drops the reservation while paused, and when the workshop ends, extended or not', () => {
    const { workshops, links, trainer, workshop, reserved } = reserving();
    clock += HOUR;
    workshops.trainerMessage(trainer, { type: 'workshop-state', workshopId: workshop.id, state: 'paused' });
    expect(reserved()).toMatch(/ 0x2$/);
    // A participant joining a paused workshop is offered nothing.
    join(workshops, 'ada', workshop.code, 'Ada');
    expect(links.calls.some((call) => call.startsWith('offer'))).toBe(false);
    workshops.trainerMessage(trainer, { type: 'workshop-state', workshopId: workshop.id, state: 'running' });
    expect(reserved()).toMatch(/ 2x2$/);
    clock += HOUR;
    workshops.trainerMessage(trainer, { type: 'workshop-extend', workshopId: workshop.id, minutes: 30 });
    expect(reserved()).toMatch(/ 2x2$/);
    clock += 30 * MINUTE;
    vi.advanceTimersByTime(TICK);
    expect(reserved()).toMatch(/ 0x2$/);
  });
});
