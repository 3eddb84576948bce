import { describe, expect, it } from 'vitest';
import { RESERVE_LEAD_MS, planReservation, type ReservationInput } from './reservations';

const HOUR = 3_600_000;
const START = 100 * HOUR;
const workshop: ReservationInput = { id: 'w1', state: 'running', startsAt: START, endsAt: START + 2 * HOUR, capacity: 20, participants: 0, nodes: 3 };

describe('planReservation', () => {
  it('reserves nothing before the lead time, then a session of the lessons’ nodes for each place', () => {
    expect(planReservation(workshop, START - RESERVE_LEAD_MS - 1)).toEqual({ tag: 'w1', sessions: 0, nodes: 3 });
    expect(planReservation(workshop, START - RESERVE_LEAD_MS)).toEqual({ tag: 'w1', sessions: 20, nodes: 3 });
    expect(planReservation(workshop, START + HOUR)).toEqual({ tag: 'w1', sessions: 20, nodes: 3 });
  });
  it('counts the participants already there, and never below nothing', () => {
    expect(planReservation({ ...workshop, participants: 12 }, START).sessions).toBe(8);
    expect(planReservation({ ...workshop, participants: 25 }, START).sessions).toBe(0);
  });
  it('reserves nothing from the end time, or while paused or ended', () => {
    expect(planReservation(workshop, START + 2 * HOUR).sessions).toBe(0);
    expect(planReservation({ ...workshop, state: 'paused' }, START).sessions).toBe(0);
    expect(planReservation({ ...workshop, state: 'ended' }, START).sessions).toBe(0);
  });
});
