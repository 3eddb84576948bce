/**
 * Workshops, their participants and every event of their dashboards, in SQLite
 * (`$SLIPWAY_STATE_DIR/workshops.sqlite`, or `workshops-<instance>.sqlite` for an instance
 * other than `main`): a restarted server replays the events into the same dashboards. Lesson
 * progress itself stays in the lessons' store, keyed by learner.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { WorkshopDraft } from '../protocol/workshops';
import type { ExtensionLedger } from '../sandbox/manager';
import type { WorkshopEvent } from './dashboard';

/**
 * A workshop reserves its instance's sandboxes, so each instance keeps its own: a second
 * Slipway on the same state directory (a benchmark, a test run) must not start sessions for
 * the first one's workshops. `main` keeps the name it always had.
 */
export function workshopsFile(stateDir: string, instance: string): string {
  return path.join(stateDir, instance === 'main' ? 'workshops.sqlite' : `workshops-${instance}.sqlite`);
}

/** What the trainer set; `scheduled` is not stored (it is `running` before the start time). */
export type StoredState = 'running' | 'paused' | 'ended';

export interface WorkshopRecord extends WorkshopDraft {
  id: string;
  code: string;
  state: StoredState;
  banner: string | null;
}

export interface ParticipantRecord {
  id: string;
  workshop: string;
  learner: string;
  name: string;
  joinedAt: number;
  removed: boolean;
}

export interface WorkshopStore {
  workshops(): WorkshopRecord[];
  create(workshop: WorkshopRecord): void;
  update(id: string, change: Partial<Pick<WorkshopRecord, 'state' | 'endsAt' | 'banner'>>): void;
  participants(workshop: string): ParticipantRecord[];
  addParticipant(participant: ParticipantRecord): void;
  removeParticipant(id: string): void;
  events(workshop: string): WorkshopEvent[];
  addEvent(workshop: string, event: WorkshopEvent): void;
  /** Trainers' extensions of participants' sandboxes, for the sandbox manager. */
  extensions: ExtensionLedger;
  close(): void;
}

export function openWorkshopStore(stateDir: string, instance: string): WorkshopStore {
  mkdirSync(stateDir, { recursive: true });
  return sqliteWorkshopStore(new Database(workshopsFile(stateDir, instance)));
}

const Row = z.object({
  id: z.string(),
  name: z.string(),
  lessons: z.string().transform((text) => z.array(z.string()).parse(JSON.parse(text))),
  starts_at: z.number(),
  ends_at: z.number(),
  capacity: z.number(),
  code: z.string(),
  state: z.enum(['running', 'paused', 'ended']),
  banner: z.string().nullable(),
});

/** `new Database(':memory:')` makes a store for tests. */
export function sqliteWorkshopStore(db: Database.Database): WorkshopStore {
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS workshops (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, lessons TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
      capacity INTEGER NOT NULL, code TEXT NOT NULL UNIQUE, state TEXT NOT NULL, banner TEXT);
    CREATE TABLE IF NOT EXISTS participants (
      id TEXT PRIMARY KEY, workshop TEXT NOT NULL, learner TEXT NOT NULL, name TEXT NOT NULL, joined_at INTEGER NOT NULL,
      removed INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS workshop_events (workshop TEXT NOT NULL, event TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS workshop_events_by_workshop ON workshop_events (workshop);
    CREATE TABLE IF NOT EXISTS session_extensions (container TEXT PRIMARY KEY, extended_ms INTEGER NOT NULL);
  `);
  const all = db.prepare('SELECT * FROM workshops ORDER BY starts_at, rowid');
  const insert = db.prepare(
    'INSERT INTO workshops (id, name, lessons, starts_at, ends_at, capacity, code, state, banner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const participantsOf = db.prepare<[string], { id: string; workshop: string; learner: string; name: string; joined_at: number; removed: number }>(
    'SELECT * FROM participants WHERE workshop = ? ORDER BY joined_at, rowid',
  );
  const insertParticipant = db.prepare('INSERT INTO participants (id, workshop, learner, name, joined_at) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('UPDATE participants SET removed = 1 WHERE id = ?');
  const eventsOf = db.prepare<[string], { event: string }>('SELECT event FROM workshop_events WHERE workshop = ? ORDER BY rowid');
  const insertEvent = db.prepare('INSERT INTO workshop_events (workshop, event) VALUES (?, ?)');
  const allExtensions = db.prepare<[], { container: string; extended_ms: number }>('SELECT * FROM session_extensions');
  const setExtension = db.prepare('INSERT INTO session_extensions (container, extended_ms) VALUES (?, ?) ON CONFLICT (container) DO UPDATE SET extended_ms = excluded.extended_ms');
  const forgetExtension = db.prepare('DELETE FROM session_extensions WHERE container = ?');
  const columns = { state: 'state', endsAt: 'ends_at', banner: 'banner' } as const;

  return {
    workshops: () =>
      all.all().map((raw) => {
        const row = Row.parse(raw);
        return { id: row.id, name: row.name, lessons: row.lessons, startsAt: row.starts_at, endsAt: row.ends_at, capacity: row.capacity, code: row.code, state: row.state, banner: row.banner };
      }),
    create: (w) => void insert.run(w.id, w.name, JSON.stringify(w.lessons), w.startsAt, w.endsAt, w.capacity, w.code, w.state, w.banner),
    update: (id, change) => {
      for (const [key, value] of Object.entries(change) as Array<[keyof typeof columns, unknown]>) {
        db.prepare(`UPDATE workshops SET ${columns[key]} = ? WHERE id = ?`).run(value, id);
      }
    },
    participants: (workshop) =>
      participantsOf.all(workshop).map((row) => ({ id: row.id, workshop: row.workshop, learner: row.learner, name: row.name, joinedAt: row.joined_at, removed: row.removed === 1 })),
    addParticipant: (p) => void insertParticipant.run(p.id, p.workshop, p.learner, p.name, p.joinedAt),
    removeParticipant: (id) => void remove.run(id),
    // Written by this module only; a row that is not an event would be a bug worth stopping at.
    events: (workshop) => eventsOf.all(workshop).map((row) => JSON.parse(row.event) as WorkshopEvent),
    addEvent: (workshop, event) => void insertEvent.run(workshop, JSON.stringify(event)),
    extensions: {
      all: () => new Map(allExtensions.all().map((row) => [row.container, row.extended_ms])),
      set: (container, extendedMs) => void setExtension.run(container, extendedMs),
      forget: (container) => void forgetExtension.run(container),
    },
    close: () => db.close(),
  };
}
