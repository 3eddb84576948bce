/**
 * Capacity, pool, reservation, idle, lifetime and reclaim decisions, kept pure so they are tested without
 * an engine.
 */
import { nodeName } from '../protocol/nodes';

export interface Capacity {
  /** Sandboxes that exist or are being created, pooled ones included. */
  total: number;
  max: number;
  /** False while the machine's free memory is below its reserve: no new sandbox starts then. */
  memoryAvailable?: boolean;
}

const hasRoom = (capacity: Capacity) => capacity.total < capacity.max && capacity.memoryAvailable !== false;

export type AcquirePlan = 'pool' | 'create' | 'full';

/** How a learner without a sandbox gets one: from the warm pool, started cold, or not at all. */
export function planAcquire(pooledReady: number, capacity: Capacity): AcquirePlan {
  if (pooledReady > 0) return 'pool';
  return hasRoom(capacity) ? 'create' : 'full';
}

/** How many pool sandboxes to start now: up to the pool size, never past the maximum. */
export function poolShortfall(poolSize: number, pooledOrStarting: number, capacity: Capacity): number {
  const wanted = Math.max(0, poolSize - pooledOrStarting);
  const room = capacity.memoryAvailable === false ? 0 : Math.max(0, capacity.max - capacity.total);
  return Math.min(wanted, room);
}

export interface Activity {
  key: string;
  viewers: number;
  /** When the last viewer left, or the session was last used (ms since epoch). */
  lastActive: number;
}

/** Sessions nobody has watched for longer than the idle timeout. */
export function idleSessions(sessions: Iterable<Activity>, now: number, idleTimeoutMs: number): string[] {
  const idle: string[] = [];
  for (const session of sessions) {
    if (session.viewers === 0 && now - session.lastActive > idleTimeoutMs) idle.push(session.key);
  }
  return idle;
}

/** The longest a page is warned before its session reaches the maximum lifetime. */
export const LIFETIME_WARNING_MS = 5 * 60_000;

/** How long before the end a session is warned: five minutes, or half of a shorter lifetime. */
export const lifetimeWarningMs = (lifetimeMs: number) => Math.min(LIFETIME_WARNING_MS, Math.floor(lifetimeMs / 2));

export interface Lifetime {
  key: string;
  /** When the session began (ms since epoch). */
  startedAt: number;
  /** What a trainer added to its lifetime, in all (0 unless extended). */
  extendedMs: number;
  /** Whether its page was already warned of the end (since the last extension). */
  warned: boolean;
}

/** Sessions past their lifetime (released, watched or not), and those to warn now. */
export function lifetimeDecisions(sessions: Iterable<Lifetime>, now: number, lifetimeMs: number): { ended: string[]; warn: string[] } {
  const ended: string[] = [];
  const warn: string[] = [];
  for (const session of sessions) {
    const left = lifetimeLeft(session, now, lifetimeMs);
    if (left <= 0) ended.push(session.key);
    else if (!session.warned && left <= lifetimeWarningMs(lifetimeMs)) warn.push(session.key);
  }
  return { ended, warn };
}

type LifetimeSpan = Pick<Lifetime, 'startedAt' | 'extendedMs'>;

/** When a session ends (ms since epoch): the maximum lifetime after its start, plus its extensions. */
export const lifetimeEnd = (session: LifetimeSpan, lifetimeMs: number) => session.startedAt + lifetimeMs + session.extendedMs;

export const lifetimeLeft = (session: LifetimeSpan, now: number, lifetimeMs: number) => lifetimeEnd(session, lifetimeMs) - now;

/**
 * When an adopted session (found after a restart) began: its node1's creation, which Docker
 * keeps (a pooled node1 was created before it was handed out, so this errs early), yet never
 * so early that it ends without its page getting the warning first.
 */
export function adoptedStart(createdAt: number, now: number, lifetimeMs: number): number {
  return Math.max(createdAt, now - lifetimeMs + lifetimeWarningMs(lifetimeMs));
}

/** The share of SLIPWAY_MAX_SANDBOXES from which sessions of closed pages are reclaimed. */
export const NEAR_FULL = 0.8;

export interface Detached extends Activity {
  /** Sandboxes the session holds (its nodes): what reclaiming it frees. */
  nodes: number;
}

/**
 * Sandboxes to free now so that Slipway is below NEAR_FULL again; at least one while memory
 * is short (admission refuses everyone then).
 */
export function reclaimShortfall(capacity: Capacity): number {
  const nearFull = Math.ceil(capacity.max * NEAR_FULL);
  const shortfall = Math.max(0, capacity.total - nearFull + 1);
  return capacity.memoryAvailable === false ? Math.max(1, shortfall) : shortfall;
}

/**
 * Which sessions to reclaim to free `wanted` sandboxes: only those without a page for longer
 * than the grace, oldest detachment first, until enough are freed (or none is left).
 */
export function reclaimable(sessions: Iterable<Detached>, now: number, graceMs: number, wanted: number): string[] {
  const candidates = [...sessions]
    .filter((session) => session.viewers === 0 && now - session.lastActive > graceMs)
    .sort((a, b) => a.lastActive - b.lastActive);
  return enoughToFree(candidates, wanted).map((session) => session.key);
}

/** The first of `candidates`, in order, that together free `wanted` sandboxes (all of them if they cannot). */
function enoughToFree<T extends { nodes: number }>(candidates: Iterable<T>, wanted: number): T[] {
  const chosen: T[] = [];
  let freed = 0;
  for (const candidate of candidates) {
    if (freed >= wanted) break;
    chosen.push(candidate);
    freed += candidate.nodes;
  }
  return chosen;
}

export type AddNodePlan = 'add' | 'node-limit' | 'full';

/** Whether a session holding `held` nodes may start one more. */
export function planAddNode(held: number, maxNodes: number, capacity: Capacity): AddNodePlan {
  if (held >= maxNodes) return 'node-limit';
  return hasRoom(capacity) ? 'add' : 'full';
}

/** The lowest-numbered node a session lacks (node2 when it holds node1 and node3). */
export function nextNodeName(held: Iterable<string>, maxNodes: number): string | null {
  const taken = new Set(held);
  for (let index = 1; index <= maxNodes; index += 1) {
    if (!taken.has(nodeName(index))) return nodeName(index);
  }
  return null;
}

export interface ReservationNeed {
  tag: string;
  /** Sessions wanted, and sessions ready or starting. */
  sessions: number;
  held: number;
  /** Nodes in each of its sessions. */
  nodes: number;
}

/**
 * Which reservation gets the next pre-started session, if any: the first short of its sessions
 * whose whole session fits below NEAR_FULL, so reserving never makes closed pages' sessions
 * reclaimed and leaves the room above it to learners arriving and the nodes they ask for.
 */
export function nextReservation(needs: Iterable<ReservationNeed>, capacity: Capacity): string | null {
  if (capacity.memoryAvailable === false) return null;
  const nearFull = Math.ceil(capacity.max * NEAR_FULL);
  for (const need of needs) {
    if (need.held < need.sessions && capacity.total + need.nodes < nearFull) return need.tag;
  }
  return null;
}

export interface Unclaimed {
  id: string;
  /** Sandboxes the pre-started session holds: what dropping it frees. */
  nodes: number;
}

/** Which unclaimed pre-started sessions to drop to free `wanted` sandboxes (they go before any closed page's session). */
export function unclaimedToDrop(sessions: Iterable<Unclaimed>, wanted: number): string[] {
  return enoughToFree(sessions, wanted).map((session) => session.id);
}

/**
 * Whether a learner who just joined a workshop trades the session they hold for a ready
 * pre-started one: only while theirs is untouched (node1 alone, no command run), so nothing
 * of theirs is lost.
 */
export function tradesForReserved(held: { nodes: number; commands: number } | null, reservedReady: number): boolean {
  return held !== null && held.nodes === 1 && held.commands === 0 && reservedReady > 0;
}
