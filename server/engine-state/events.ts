/**
 * Docker Engine `/events` messages and what each one makes stale in the model.
 *
 * Events say that something changed, not what it became (and some, like image pull, name
 * the object by reference instead of id), so the model never applies an event: the objects
 * the event touched are read again. That makes every event idempotent and leaves only one
 * question per event: which objects to re-read.
 */
import { z } from 'zod';

/** One `/events` message, read leniently: engines add fields, and old ones omit some. */
export const EngineEvent = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({ ID: z.string().nullish(), Attributes: z.record(z.string(), z.string()).nullish() }).nullish(),
  /** "local" or "swarm" (cluster-wide objects: services, nodes, overlay networks). */
  scope: z.string().nullish(),
  time: z.number().nullish(),
  /**
   * Nanoseconds since the epoch. Larger than 2^53, so JSON.parse rounds it (to ~256 ns),
   * which is far finer than anything it is compared with.
   */
  timeNano: z.number().nullish(),
});
export type EngineEvent = z.infer<typeof EngineEvent>;

/** What the follower re-reads. Images and the swarm are re-read whole (see `targetsOf`). */
export type Target =
  | { what: 'container'; id: string }
  | { what: 'network'; id: string }
  /** Volumes are named, not numbered: `id` is the volume's name. */
  | { what: 'volume'; id: string }
  | { what: 'images' }
  /** Whether the engine is in a swarm and manages it, which no event reports (`recheck`). */
  | { what: 'membership' }
  /** Membership, and on a manager the swarm's nodes, services and tasks. */
  | { what: 'swarm' };

export const targetKey = (target: Target): string => ('id' in target ? `${target.what}:${target.id}` : target.what);

/** The event's time in engine nanoseconds, or undefined when it carries none. */
export function eventTimeNano(event: EngineEvent): number | undefined {
  return event.timeNano ?? (event.time == null ? undefined : event.time * 1e9);
}

/**
 * The engine's own time (GET /info `SystemTime`, RFC 3339 with nanoseconds) in the unit of
 * `timeNano`, so a listing can be placed among events by the engine's clock, not ours.
 */
export function engineTimeNano(systemTime: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(systemTime);
  const seconds = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(seconds)) throw new Error(`Not an engine time: ${systemTime}`);
  return seconds * 1e6 + Number((match[2] ?? '').padEnd(9, '0').slice(0, 9));
}

/** Container actions that change what a snapshot shows (status, name, networks, restart policy). */
const CONTAINER_CHANGES = new Set(['create', 'start', 'restart', 'die', 'stop', 'pause', 'unpause', 'rename', 'update', 'destroy']);
/** Image actions that change the image list; push and save only read it. */
const IMAGE_CHANGES = new Set(['pull', 'tag', 'untag', 'delete', 'import', 'load', 'prune']);
const SWARM_TYPES = new Set(['service', 'node']);

/** The objects an event makes stale. Unknown types and actions touch nothing. */
export function targetsOf(event: EngineEvent): Target[] {
  // "exec_start: sh -c ...", "health_status: healthy": the verb is before the colon.
  const action = event.Action.split(':')[0]!.trim();
  const id = event.Actor?.ID ?? '';
  const attributes = event.Actor?.Attributes ?? {};
  const targets: Target[] = [];
  switch (event.Type) {
    case 'container':
      if (CONTAINER_CHANGES.has(action) && id) {
        targets.push({ what: 'container', id });
        // A task's container changing is its service converging.
        if (attributes['com.docker.swarm.service.id']) targets.push({ what: 'swarm' });
      }
      // `docker commit` makes an image without an image event.
      if (action === 'commit') targets.push({ what: 'images' });
      break;
    case 'image':
      // Whole list: pull names the image by reference, the others by id, and deleting one
      // image can delete its untagged parents without an event of their own.
      if (IMAGE_CHANGES.has(action)) targets.push({ what: 'images' });
      break;
    case 'network':
      if ((action === 'create' || action === 'destroy') && id) targets.push({ what: 'network', id });
      // A network's members are derived from its containers, so the container is what changed.
      if ((action === 'connect' || action === 'disconnect') && attributes.container) {
        targets.push({ what: 'container', id: attributes.container });
      }
      break;
    case 'volume':
      // mount/unmount change nothing shown: a volume's users are the containers whose
      // mounts name it, and a container's mounts are fixed when it is created.
      if ((action === 'create' || action === 'destroy') && id) targets.push({ what: 'volume', id });
      break;
    default:
      if (SWARM_TYPES.has(event.Type)) targets.push({ what: 'swarm' });
  }
  // Swarm-scoped objects (the ingress network at `swarm init`, overlay networks) appear in
  // service specs, which name networks by id.
  if (event.scope === 'swarm' && !targets.some((target) => target.what === 'swarm')) targets.push({ what: 'swarm' });
  return targets;
}
