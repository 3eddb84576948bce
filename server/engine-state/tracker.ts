/**
 * One engine's state: its model kept current from a listing plus `/events`, and the moments
 * it is settled. No I/O: it tells the follower what to read and takes what was read; its
 * timers run on an injected clock, so every sequence of events replays in a test.
 *
 * The protocol with the follower (follower.ts):
 *  1. It subscribes to /events, then calls `subscribed()`; the tracker answers `relist`.
 *  2. It lists everything and calls `listed(token, model, listedAtNano)`, the engine's time
 *     (GET /info `SystemTime`, read before the lists) placing the listing among events.
 *  3. It passes every event to `event()`. After a burst the tracker answers one `read` per
 *     object the burst touched; the follower reads each and calls `read(token, result)`.
 *  4. When the stream ends or errors, it calls `streamBroken()`; the tracker answers
 *     `resubscribe`, and the cycle starts again at 1 (after the follower's backoff).
 *
 * Settled: live, with nothing touched but unread and nothing being read. Each settled state
 * that differs from the one last announced gets the next version and is announced
 * (`onSettled`). `whenSettled(since)` waits for a settled state at least GRACE_MS after
 * `since`, so that the last events of what the caller just did have arrived.
 *
 * Answers carry their command's token; one whose command was superseded (a newer read of the
 * same object, a relist, a broken stream) is dropped, so a slow, older read can never
 * overwrite a newer one.
 */
import type { Cancel, Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { Debouncer } from './debounce';
import { eventTimeNano, targetKey, targetsOf, type EngineEvent, type Target } from './events';
import { applyRead, converging, sameData, snapshotOf, type EngineModel, type ReadResult } from './model';
import type { EngineSnapshot } from './snapshot';

export const ENGINE_STATE_TIMING = {
  /** A burst of events has ended after this long without another. */
  QUIET_MS: 100,
  /** A steady stream of events is still read this long after its first event. */
  MAX_DELAY_MS: 500,
  /** A command's last events may arrive this long after its shell reported it finished. */
  GRACE_MS: 150,
  /** Waiting for a settled state ends after this long with the latest one: an engine flooding events cannot hold a verdict back. */
  SETTLE_WAIT_MAX_MS: 5000,
  /** Above this many stale objects, one relist costs less than re-reading each. */
  RELIST_ABOVE: 16,
  /**
   * While a swarm service converges, the swarm is re-read this often: tasks on other nodes
   * change without any event reaching this engine.
   */
  SWARM_POLL_MS: 2000,
} as const;
export type EngineStateTiming = { -readonly [K in keyof typeof ENGINE_STATE_TIMING]: number };

export type ReadCommand = Target & { kind: 'read'; token: number };
export type TrackerCommand = { kind: 'resubscribe' } | { kind: 'relist'; token: number } | ReadCommand;

/** A settled state: the snapshot, and its version (higher is newer). */
export type Settled = { version: number; snapshot: EngineSnapshot };

type Phase = 'unsubscribed' | 'listing' | 'live';

interface Waiter {
  due: number;
  callback: (settled: Settled | undefined) => void;
  timers: Cancel[];
}

export class EngineStateTracker {
  #phase: Phase = 'unsubscribed';
  #model: EngineModel | undefined;
  #snapshot: EngineSnapshot | undefined;
  #version = 0;
  #announced = 0;
  /** Engine time at which the current listing started; older events are already in it. */
  #listedAt = Number.NEGATIVE_INFINITY;
  #relistToken: number | undefined;
  /** Objects touched since last read, with the newest touching event's engine time. */
  #stale = new Map<string, { target: Target; at: number }>();
  /** The token of the newest read sent for each object. */
  #inFlight = new Map<string, number>();
  #nextToken = 1;
  #debouncer: Debouncer;
  #swarmPoll: Cancel | undefined;
  readonly #waiters = new Set<Waiter>();
  readonly #settled = new Emitter<Settled>();
  readonly #liveness = new Emitter<boolean>();
  readonly #timing: EngineStateTiming;

  constructor(
    private readonly send: (command: TrackerCommand) => void,
    private readonly clock: Clock,
    timing: Partial<EngineStateTiming> = {},
  ) {
    this.#timing = { ...ENGINE_STATE_TIMING, ...timing };
    this.#debouncer = new Debouncer(clock, this.#timing.QUIET_MS, this.#timing.MAX_DELAY_MS, () => this.#flush());
  }

  /** The newest state known, settled or not; undefined until the first listing. */
  get snapshot(): EngineSnapshot | undefined {
    return this.#snapshot;
  }

  /** The snapshot's version: it grows by one each time the snapshot changes. */
  get version(): number {
    return this.#version;
  }

  /** False while the snapshot may miss changes (no stream, or a listing under way). */
  get live(): boolean {
    return this.#phase === 'live';
  }

  get settled(): boolean {
    return this.#phase === 'live' && this.#stale.size === 0 && this.#inFlight.size === 0;
  }

  /** Fires when the state settles on a version not announced before. */
  onSettled(listener: (settled: Settled) => void): Disposable {
    return this.#settled.event(listener);
  }

  /** Fires when `live` changes. */
  onLive(listener: (live: boolean) => void): Disposable {
    return this.#liveness.event(listener);
  }

  /**
   * Calls back once with the first settled state at least GRACE_MS after `since` (clock
   * time), or with undefined when none came within SETTLE_WAIT_MAX_MS or the tracker was
   * disposed meanwhile.
   */
  whenSettled(since: number, callback: (settled: Settled | undefined) => void): Cancel {
    const waiter: Waiter = { due: since + this.#timing.GRACE_MS, callback, timers: [] };
    const now = this.clock.now();
    waiter.timers.push(
      this.clock.schedule(waiter.due - now, () => this.settled && this.#resolve(waiter, this.#current())),
      this.clock.schedule(since + this.#timing.SETTLE_WAIT_MAX_MS - now, () => this.#resolve(waiter, undefined)),
    );
    this.#waiters.add(waiter);
    return () => this.#drop(waiter);
  }

  subscribed(): void {
    this.#relist();
  }

  listed(token: number, model: EngineModel, listedAtNano: number): void {
    if (token !== this.#relistToken) return;
    this.#relistToken = undefined;
    this.#listedAt = listedAtNano;
    this.#setModel(this.#model && sameData(model, this.#model) ? this.#model : model);
    // Events from before the listing started are in it; later ones may not be.
    for (const [key, entry] of this.#stale) if (entry.at < listedAtNano) this.#stale.delete(key);
    this.#setPhase('live');
    this.#pollSwarm();
    if (this.#stale.size > 0) this.#debouncer.poke();
    else this.#settle();
  }

  event(event: EngineEvent): void {
    if (this.#phase === 'unsubscribed') return;
    const at = eventTimeNano(event) ?? Number.POSITIVE_INFINITY;
    if (at < this.#listedAt) return;
    const targets = targetsOf(event);
    for (const target of targets) this.#markStale(target, at);
    if (targets.length > 0 && this.#phase === 'live') this.#debouncer.poke();
  }

  /** Marks an object stale without an event: a change on another node, or what no event reports. */
  invalidate(target: Target): void {
    if (this.#phase === 'unsubscribed') return;
    this.#markStale(target, Number.POSITIVE_INFINITY);
    if (this.#phase === 'live') this.#debouncer.poke();
  }

  read(token: number, result: ReadResult): void {
    const key = targetKey(result);
    if (this.#inFlight.get(key) !== token || !this.#model) return;
    this.#inFlight.delete(key);
    const wasManager = this.#model.swarm.manager;
    this.#setModel(applyRead(this.#model, result));
    // Now a manager (a swarm made or joined, a promotion): the swarm's lists are to be read.
    if (result.what === 'membership' && result.manager && !wasManager) this.invalidate({ what: 'swarm' });
    if (result.what === 'swarm') this.#pollSwarm();
    if (this.settled) this.#settle();
  }

  streamBroken(): void {
    this.#relistToken = undefined;
    // The next listing covers everything: nothing stale or in flight is worth keeping.
    this.#stale.clear();
    this.#inFlight.clear();
    this.#debouncer.cancel();
    this.#swarmPoll?.();
    this.#setPhase('unsubscribed');
    this.send({ kind: 'resubscribe' });
  }

  /** Stops every timer and answers every waiter; the tracker takes no further input. */
  dispose(): void {
    this.#phase = 'unsubscribed';
    this.#debouncer.cancel();
    this.#swarmPoll?.();
    for (const waiter of this.#waiters) this.#resolve(waiter, undefined);
    this.#settled.dispose();
    this.#liveness.dispose();
  }

  #setPhase(phase: Phase): void {
    const wasLive = this.live;
    this.#phase = phase;
    if (this.live !== wasLive) this.#liveness.fire(this.live);
  }

  #setModel(model: EngineModel): void {
    if (model === this.#model) return;
    this.#model = model;
    this.#snapshot = snapshotOf(model);
    this.#version += 1;
  }

  #current(): Settled {
    return { version: this.#version, snapshot: this.#snapshot! };
  }

  #settle(): void {
    const settled = this.#current();
    if (settled.version !== this.#announced) {
      this.#announced = settled.version;
      this.#settled.fire(settled);
    }
    const now = this.clock.now();
    for (const waiter of this.#waiters) if (waiter.due <= now) this.#resolve(waiter, settled);
  }

  #resolve(waiter: Waiter, settled: Settled | undefined): void {
    if (!this.#waiters.has(waiter)) return;
    this.#drop(waiter);
    waiter.callback(settled);
  }

  #drop(waiter: Waiter): void {
    this.#waiters.delete(waiter);
    for (const cancel of waiter.timers) cancel();
  }

  #relist(): void {
    this.#relistToken = this.#nextToken++;
    this.#inFlight.clear();
    this.#debouncer.cancel();
    this.#setPhase('listing');
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
    // A swarm read reads the membership too.
    if (this.#stale.has('swarm')) this.#stale.delete('membership');
    const due = [...this.#stale];
    this.#stale.clear();
    for (const [key, { target }] of due) {
      const token = this.#nextToken++;
      this.#inFlight.set(key, token);
      this.send({ ...target, kind: 'read', token });
    }
  }

  #pollSwarm(): void {
    this.#swarmPoll?.();
    this.#swarmPoll = undefined;
    if (this.#model && converging(this.#model.swarm)) {
      this.#swarmPoll = this.clock.schedule(this.#timing.SWARM_POLL_MS, () => this.invalidate({ what: 'swarm' }));
    }
  }
}
