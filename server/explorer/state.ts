/**
 * The live explorer's state machine for one engine: it keeps that engine's snapshot current
 * from a listing plus `/events`, and tells the I/O layer what to read next. No I/O, no timers
 * of its own (the clock is injected), so every sequence of events can be replayed in a test.
 *
 * The protocol with the I/O layer:
 *  1. It subscribes to /events, then calls `subscribed()`; the state answers `relist`.
 *  2. It reads the engine's time (GET /info `SystemTime`), lists everything, and calls
 *     `listed(token, snapshot, engineTimeNano(SystemTime))`.
 *  3. It passes every event to `event()`. After a burst the state answers one `refresh` per
 *     object the burst touched; the I/O layer re-reads each and calls `refreshed(token, ...)`.
 *  4. When the stream ends or errors, it calls `streamBroken()`; the state answers
 *     `resubscribe`, and the cycle starts again at 1 (with the I/O layer's own backoff).
 * `settled` means the snapshot reflects every event seen so far: the moment to publish it.
 *
 * Answers carry the token of the command they answer; an answer whose command has since been
 * superseded (a newer refresh of the same object, a relist, a broken stream) is dropped, so
 * a slow, older read can never overwrite a newer one.
 */
import type { Cancel, Clock } from '../common/clock';
import { Debouncer } from './debounce';
import { eventTimeNano, targetKey, targetsOf, type EngineEvent, type Target } from './events';
import type { ContainerInfo, EngineSnapshot, ImageInfo, NetworkInfo, SwarmInfo, VolumeInfo } from '../checks/snapshot';

export const EXPLORER_TIMING = {
  /** A burst of events has ended after this long without another. */
  QUIET_MS: 100,
  /** A steady stream of events is still flushed this long after its first event. */
  MAX_DELAY_MS: 500,
  /** Above this many stale objects, one relist costs less than re-reading each. */
  RELIST_ABOVE: 16,
  /**
   * While a swarm service converges, its state is re-read this often: tasks on other
   * nodes change without any event reaching this engine.
   */
  SWARM_POLL_MS: 2000,
} as const;
export type ExplorerTiming = { -readonly [K in keyof typeof EXPLORER_TIMING]: number };

export type RefreshCommand = Target & { kind: 'refresh'; token: number };
export type ExplorerCommand =
  | { kind: 'resubscribe' }
  | { kind: 'relist'; token: number }
  | RefreshCommand
  | { kind: 'settled' };

/** What a refresh read; `null` when the object no longer exists (the engine answered 404). */
export type RefreshResult =
  | { what: 'container'; id: string; info: ContainerInfo | null }
  | { what: 'network'; id: string; info: NetworkInfo | null }
  | { what: 'volume'; id: string; info: VolumeInfo | null }
  | { what: 'images'; images: ImageInfo[] }
  | { what: 'swarm'; swarm: SwarmInfo };

type Phase = 'unsubscribed' | 'listing' | 'live';

export class ExplorerState {
  #phase: Phase = 'unsubscribed';
  #snapshot: EngineSnapshot | undefined;
  /** Engine time at which the current listing started; older events are already in it. */
  #listedAt = Number.NEGATIVE_INFINITY;
  #relistToken: number | undefined;
  /** Objects touched since last read, with the newest touching event's engine time. */
  #stale = new Map<string, { target: Target; at: number }>();
  /** The token of the newest refresh sent for each object. */
  #inFlight = new Map<string, number>();
  #nextToken = 1;
  #debouncer: Debouncer;
  #swarmPoll: Cancel | undefined;
  readonly #timing: ExplorerTiming;

  constructor(
    private readonly send: (command: ExplorerCommand) => void,
    private readonly clock: Clock,
    timing: Partial<ExplorerTiming> = {},
  ) {
    this.#timing = { ...EXPLORER_TIMING, ...timing };
    this.#debouncer = new Debouncer(clock, this.#timing.QUIET_MS, this.#timing.MAX_DELAY_MS, () => this.#flush());
  }

  /** The last listing with every refresh since applied; undefined until the first listing. */
  get snapshot(): EngineSnapshot | undefined {
    return this.#snapshot;
  }

  /** False while the snapshot may miss changes (no stream, or a listing is under way). */
  get live(): boolean {
    return this.#phase === 'live';
  }

  /** The snapshot reflects every event seen so far. */
  get settled(): boolean {
    return this.#phase === 'live' && this.#stale.size === 0 && this.#inFlight.size === 0;
  }

  subscribed(): void {
    this.#relist();
  }

  listed(token: number, snapshot: EngineSnapshot, listedAtNano: number): void {
    if (token !== this.#relistToken) return;
    this.#relistToken = undefined;
    this.#phase = 'live';
    this.#snapshot = withRelations(snapshot);
    this.#listedAt = listedAtNano;
    // Events from before the listing started are in it; later ones may not be.
    for (const [key, entry] of this.#stale) if (entry.at < listedAtNano) this.#stale.delete(key);
    this.#pollSwarm();
    if (this.#stale.size > 0) this.#debouncer.poke();
    else this.send({ kind: 'settled' });
  }

  event(event: EngineEvent): void {
    if (this.#phase === 'unsubscribed') return;
    const at = eventTimeNano(event) ?? Number.POSITIVE_INFINITY;
    if (at < this.#listedAt) return;
    const targets = targetsOf(event);
    for (const target of targets) this.#markStale(target, at);
    if (targets.length > 0 && this.#phase === 'live') this.#debouncer.poke();
  }

  /** Marks an object stale without an event: a change on another node, or after a command no event reports. */
  invalidate(target: Target): void {
    if (this.#phase === 'unsubscribed') return;
    this.#markStale(target, Number.POSITIVE_INFINITY);
    if (this.#phase === 'live') this.#debouncer.poke();
  }

  refreshed(token: number, result: RefreshResult): void {
    const key = targetKey(result);
    if (this.#inFlight.get(key) !== token || !this.#snapshot) return;
    this.#inFlight.delete(key);
    this.#snapshot = withRelations(applyRefresh(this.#snapshot, result));
    if (result.what === 'swarm') this.#pollSwarm();
    if (this.settled) this.send({ kind: 'settled' });
  }

  streamBroken(): void {
    this.#phase = 'unsubscribed';
    this.#relistToken = undefined;
    // The next listing covers everything: nothing stale or in flight is worth keeping.
    this.#stale.clear();
    this.#inFlight.clear();
    this.#debouncer.cancel();
    this.#swarmPoll?.();
    this.send({ kind: 'resubscribe' });
  }

  /** Stops every timer; the state takes no further input. */
  dispose(): void {
    this.#phase = 'unsubscribed';
    this.#debouncer.cancel();
    this.#swarmPoll?.();
  }

  #relist(): void {
    this.#phase = 'listing';
    this.#relistToken = this.#nextToken++;
    this.#inFlight.clear();
    this.#debouncer.cancel();
    this.send({ kind: 'relist', token: this.#relistToken });
  }

  #markStale(target: Target, at: number): void {
    const key = targetKey(target);
    const previous = this.#stale.get(key);
    this.#stale.set(key, { target, at: Math.max(previous?.at ?? at, at) });
  }

  #flush(): void {
    if (this.#phase !== 'live') return;
    if (this.#stale.size > this.#timing.RELIST_ABOVE) {
      this.#relist();
      return;
    }
    const due = [...this.#stale];
    this.#stale.clear();
    for (const [key, { target }] of due) {
      const token = this.#nextToken++;
      this.#inFlight.set(key, token);
      this.send({ ...target, kind: 'refresh', token });
    }
  }

  #pollSwarm(): void {
    this.#swarmPoll?.();
    this.#swarmPoll = undefined;
    if (this.#snapshot && converging(this.#snapshot.swarm)) {
      this.#swarmPoll = this.clock.schedule(this.#timing.SWARM_POLL_MS, () => this.invalidate({ what: 'swarm' }));
    }
  }
}

/** A service has tasks that should run but do not, or fewer running tasks than replicas. */
export function converging(swarm: SwarmInfo): boolean {
  return swarm.services.some((service) => {
    const current = service.tasks.filter((task) => task.desiredState === 'running');
    const running = current.filter((task) => task.state === 'running').length;
    return running < current.length || (service.replicas !== undefined && running < service.replicas);
  });
}

function replaceById<T>(list: T[], keyOf: (item: T) => string, key: string, item: T | null): T[] {
  const rest = list.filter((existing) => keyOf(existing) !== key);
  if (!item) return rest;
  const index = list.findIndex((existing) => keyOf(existing) === key);
  // Keep an updated object where it was, so that lists do not reorder as things change.
  return index === -1 ? [...rest, item] : [...rest.slice(0, index), item, ...rest.slice(index)];
}

function applyRefresh(snapshot: EngineSnapshot, result: RefreshResult): EngineSnapshot {
  switch (result.what) {
    case 'container':
      return { ...snapshot, containers: replaceById(snapshot.containers, (c) => c.id, result.id, result.info) };
    case 'network':
      return { ...snapshot, networks: replaceById(snapshot.networks, (n) => n.id, result.id, result.info) };
    case 'volume':
      return { ...snapshot, volumes: replaceById(snapshot.volumes, (v) => v.name, result.id, result.info) };
    case 'images':
      return { ...snapshot, images: result.images };
    case 'swarm':
      return { ...snapshot, swarm: result.swarm };
  }
}

/**
 * Recomputes who is on each network and who uses each volume from the containers, so that a
 * refreshed container updates both. (Only containers count: endpoints such as the swarm's
 * `ingress-endpoint` are not things a learner made.)
 */
export function withRelations(snapshot: EngineSnapshot): EngineSnapshot {
  return {
    ...snapshot,
    networks: snapshot.networks.map((network) => ({
      ...network,
      containers: snapshot.containers.filter((c) => c.networks.includes(network.name)).map((c) => c.name),
    })),
    volumes: snapshot.volumes.map((volume) => ({
      ...volume,
      users: snapshot.containers
        .filter((c) => c.mounts.some((mount) => mount.type === 'volume' && mount.name === volume.name))
        .map((c) => c.name),
    })),
  };
}
