/**
 * The I/O half of one node's engine state: it holds the node's one `/events` subscription,
 * re-subscribes with backoff when it breaks, and carries out the tracker's reads over the
 * node's bounded engine client. What features see of it is `EngineState`.
 */
import type Docker from 'dockerode';
import type { Cancel, Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { followEngineEvents } from './event-stream';
import { targetsOf, type EngineEvent } from './events';
import { readListing, readTarget } from './reads';
import type { EngineSnapshot } from './snapshot';
import { EngineStateTracker, type EngineStateTiming, type ReadCommand, type Settled, type TrackerCommand } from './tracker';

export const FOLLOWER_TIMING = {
  /**
   * Waits before re-subscribing after the event stream broke, by attempt; the last repeats.
   * Short at first: a new sandbox's engine starts listening a second or two after the session.
   */
  RESUBSCRIBE_BACKOFF_MS: [200, 200, 300, 500, 1000, 2000, 5000],
} as const;

/** One node's engine state, as features read it. */
export interface EngineState {
  /** The newest state known, settled or not; undefined until the engine was first listed. */
  readonly snapshot: EngineSnapshot | undefined;
  /** False while the state may miss changes: the event stream is down, or a listing under way. */
  readonly live: boolean;
  /** Fires when the state settles on a new version (tracker.ts). */
  onSettled(listener: (settled: Settled) => void): Disposable;
  onLive(listener: (live: boolean) => void): Disposable;
  /**
   * The first settled snapshot at least GRACE_MS after now, so that what was just done on the
   * node is in it; the newest one (maybe unsettled) when none came within SETTLE_WAIT_MAX_MS.
   */
  settled(): Promise<EngineSnapshot | undefined>;
  /** Reads again what no event reports (swarm membership): after a command, or Slipway's own swarm leave. */
  recheck(): void;
}

interface FollowerHost {
  /** An event on this node touched the swarm, which managers on other nodes show too. */
  swarmTouched(): void;
  log(line: string): void;
}

export class EngineStateFollower implements EngineState {
  readonly #tracker: EngineStateTracker;
  #events: Disposable | undefined;
  #attempt = 0;
  #retry: Cancel | undefined;
  #disposed = false;

  constructor(
    readonly name: string,
    private readonly engine: Docker,
    private readonly host: FollowerHost,
    private readonly clock: Clock,
    timing: Partial<EngineStateTiming> = {},
  ) {
    this.#tracker = new EngineStateTracker((command) => this.#run(command), clock, timing);
    void this.#subscribe();
  }

  get snapshot(): EngineSnapshot | undefined {
    return this.#tracker.snapshot;
  }

  get live(): boolean {
    return this.#tracker.live;
  }

  onSettled(listener: (settled: Settled) => void): Disposable {
    return this.#tracker.onSettled(listener);
  }

  onLive(listener: (live: boolean) => void): Disposable {
    return this.#tracker.onLive(listener);
  }

  settled(): Promise<EngineSnapshot | undefined> {
    return new Promise((resolve) => this.#tracker.whenSettled(this.clock.now(), (settled) => resolve(settled?.snapshot ?? this.snapshot)));
  }

  recheck(): void {
    this.#tracker.invalidate({ what: 'membership' });
  }

  /** Another node's events touched the swarm: a manager re-reads its own view of it. */
  swarmChangedElsewhere(): void {
    if (this.snapshot?.swarm.manager) this.#tracker.invalidate({ what: 'swarm' });
  }

  dispose(): void {
    this.#disposed = true;
    this.#retry?.();
    this.#tracker.dispose();
    this.#dropStream();
  }

  async #subscribe(): Promise<void> {
    if (this.#disposed) return;
    let events: Disposable;
    try {
      events = await followEngineEvents(this.engine, (event) => this.#event(event), () => this.#broken());
    } catch (error) {
      this.host.log(`engine state: cannot subscribe to the engine events of ${this.name} (${(error as Error).message})`);
      this.#tracker.streamBroken();
      return;
    }
    if (this.#disposed) {
      events.dispose();
      return;
    }
    this.#events = events;
    this.#tracker.subscribed();
  }

  #event(event: EngineEvent): void {
    this.#tracker.event(event);
    if (targetsOf(event).some((target) => target.what === 'swarm')) this.host.swarmTouched();
  }

  #broken(): void {
    this.#events = undefined;
    if (!this.#disposed) this.#tracker.streamBroken();
  }

  #dropStream(): void {
    this.#events?.dispose();
    this.#events = undefined;
  }

  /** The engine failed a read: start again from a fresh subscription. */
  #restart(error: unknown): void {
    if (this.#disposed) return;
    this.host.log(`engine state: a read of ${this.name}'s engine failed (${(error as Error).message}); listing again`);
    this.#dropStream();
    this.#tracker.streamBroken();
  }

  #run(command: TrackerCommand): void {
    if (this.#disposed) return;
    switch (command.kind) {
      case 'resubscribe': {
        this.#dropStream();
        const delays = FOLLOWER_TIMING.RESUBSCRIBE_BACKOFF_MS;
        const delay = delays[Math.min(this.#attempt++, delays.length - 1)]!;
        this.#retry?.();
        this.#retry = this.clock.schedule(delay, () => void this.#subscribe());
        return;
      }
      case 'relist':
        void this.#relist(command.token);
        return;
      case 'read':
        void this.#read(command);
        return;
    }
  }

  async #relist(token: number): Promise<void> {
    try {
      const { model, listedAtNano } = await readListing(this.engine);
      if (this.#disposed) return;
      this.#attempt = 0;
      this.#tracker.listed(token, model, listedAtNano);
    } catch (error) {
      this.#restart(error);
    }
  }

  async #read(command: ReadCommand): Promise<void> {
    try {
      const result = await readTarget(this.engine, command, this.snapshot);
      if (!this.#disposed) this.#tracker.read(command.token, result);
    } catch (error) {
      this.#restart(error);
    }
  }
}
