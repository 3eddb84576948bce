/**
 * Capacity, pool and idle decisions, kept pure so they are tested without an engine.
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
