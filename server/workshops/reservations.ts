/**
 * How many whole sessions to start ahead for a workshop, so a learner arriving finds one
 * with every node its lessons need. Pure: the workshops apply it (through `Reservations`,
 * the sandbox manager) whenever its inputs change and on their tick, since time alone opens
 * and closes the window.
 */
import type { StoredState } from './store';

/** Sessions are started from this long before a workshop's start (booting one takes a while). */
export const RESERVE_LEAD_MS = 15 * 60_000;

export interface ReservationInput {
  id: string;
  state: StoredState;
  startsAt: number;
  endsAt: number;
  capacity: number;
  /**
   * Participants who joined and were not removed, and pages opened by the join link that have
   * not joined yet: each holds, or had, a session of their own.
   */
  participants: number;
  /** The most nodes any of its lessons needs. */
  nodes: number;
}

export interface ReservationPlan {
  tag: string;
  sessions: number;
  nodes: number;
}

/** From RESERVE_LEAD_MS before the start until the end, while running: a session for each place not taken. */
export function planReservation(workshop: ReservationInput, now: number): ReservationPlan {
  const open = workshop.state === 'running' && now >= workshop.startsAt - RESERVE_LEAD_MS && now < workshop.endsAt;
  return { tag: workshop.id, sessions: open ? Math.max(0, workshop.capacity - workshop.participants) : 0, nodes: workshop.nodes };
}

/** Where the plan goes: the sandbox manager's `reserve`. */
export interface Reservations {
  reserve(tag: string, sessions: number, nodes: number): void;
}

export const NO_RESERVATIONS: Reservations = { reserve: () => undefined };
