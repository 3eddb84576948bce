/**
 * Owns every sandbox on the engine: each learner's nodes (node1, and the more a lesson or
 * the learner asks for, all on the learner's own network), plus a small warm pool of
 * node1s and the whole sessions reserved ahead for a tag (a workshop's learners). Sandboxes are found again by their labels and names after a Slipway restart,
 * limited to a configured number, and released after a configured idle time, at the
 * maximum session lifetime, or, near the maximum number, sooner when their page is closed.
 */
import type Docker from 'dockerode';
import { FIRST_NODE, SlipwayError, nodeIndex, nodeName, type ErrorCode } from '../protocol';
import type { ParkedShell } from '../terminal/node-shell';
import type { CgroupDelegation } from './cgroups';
import {
  adoptedStart,
  idleSessions,
  lifetimeDecisions,
  lifetimeEnd,
  lifetimeLeft,
  lifetimeWarningMs,
  nextReservation,
  planAcquire,
  planAddNode,
  poolShortfall,
  reclaimShortfall,
  reclaimable,
  unclaimedToDrop,
  type Capacity,
} from './policy';
import {
  CATALOG_ALIAS,
  LABELS,
  ROLE_NETWORK,
  ROLE_SANDBOX,
  learnerContainerName,
  networkName,
  networkSpec,
  newId,
  parseContainerName,
  poolContainerName,
  reservedContainerName,
  sandboxContainerSpec,
  type SandboxLimits,
} from './spec';

export interface Sandbox {
  id: string;
  name: string;
  node: string;
  network: string;
  container: Docker.Container;
  /** Its cgroup subtree's id, when it has one. */
  cgroupId?: string;
}

interface Session {
  key: string;
  /** The learner's own network, which every node of the session joins. */
  network: string;
  /** By node name; node1 is always there. */
  nodes: Map<string, Sandbox>;
  lastActive: number;
  /** When it began, for the maximum lifetime (ms since epoch). */
  startedAt: number;
  /** What trainers added to its lifetime (`extend`), kept in `extensions` across a restart. */
  extendedMs: number;
  /** Its page was told the lifetime's end is near (since the last extension). */
  warned: boolean;
  /** The reservation (a workshop's tag) it was handed over from, if any. */
  reservation?: string;
}

/** A whole session started ahead for a reservation: node1..nodeN on a network of its own. */
interface Reserved {
  id: string;
  tag: string;
  network: string;
  nodes: Map<string, Sandbox>;
}

interface Reservation {
  sessions: number;
  /** Nodes in each session. */
  nodes: number;
  /** Its sessions ready to be handed over, oldest first. */
  ready: Reserved[];
}

export interface AcquireOptions {
  /** A reservation (a workshop's tag) whose ready session the learner may take whole. */
  reservation?: string;
}

/** What an acquisition is doing: handing out a warm sandbox from the pool, or starting one cold. */
export type SandboxProgress = (warm: boolean) => void;

/** Why a session was released without being asked: idleness, its lifetime, or room for others. */
export type EndReason = Extract<ErrorCode, 'SANDBOX_EXPIRED' | 'SESSION_LIFETIME_ENDED' | 'SANDBOX_RECLAIMED'>;

const END_LOG: Record<EndReason, string> = {
  SANDBOX_EXPIRED: 'reaping the idle session',
  SESSION_LIFETIME_ENDED: 'ending, at the maximum lifetime, the session',
  SANDBOX_RECLAIMED: 'reclaiming, near the maximum, the closed page’s session',
};

/** Where trainers' extensions outlive a restart, by the id of the session's node1 container. */
export interface ExtensionLedger {
  all(): ReadonlyMap<string, number>;
  set(container: string, extendedMs: number): void;
  forget(container: string): void;
}

export interface SandboxManagerOptions {
  /** Labels every sandbox and network, so several Slipways can share one engine. */
  instance: string;
  image: string;
  /** The catalog registry container, joined to every sandbox network; null when absent. */
  catalogContainer: string | null;
  limits: SandboxLimits;
  /** Sandbox containers in all: every node of every session, pooled ones included. */
  maxSandboxes: number;
  /** Nodes one session may hold. */
  maxNodes: number;
  poolSize: number;
  idleTimeoutMs: number;
  /** A session older than this is released, watched or not. */
  maxLifetimeMs: number;
  /** Near the maximum, a session whose page has been closed this long is released first. */
  reclaimGraceMs: number;
  /** Gives each sandbox a cgroup subtree of its own; null where the engine's host is not ours. */
  cgroups: CgroupDelegation | null;
  /** Each sandbox's own file system gets a quota: the image's size plus limits.diskBytes. */
  diskQuota: boolean;
  /** The bridge interface name for a new session network's id (for the egress policy), when the engine is ours. */
  bridgeName?: (networkId: string) => string;
  /** False while the machine is short of memory (config.ts: memoryAllowsAnotherSandbox). */
  memoryAvailable?: () => boolean;
  log?: (line: string) => void;
  /** Called as a session is released unasked (before its sandboxes go), so its terminals can be closed. */
  onEnded?: (learner: string, reason: EndReason) => void;
  /** Called once when a session's lifetime ends in `inMs`, so its page can say so. */
  onEnding?: (learner: string, inMs: number) => void;
  extensions?: ExtensionLedger;
  /** Starts the learner's shell in a sandbox as soon as it runs, for the session that takes it (`takeShell`). */
  parkShell?: (container: Docker.Container) => ParkedShell;
}

const REFILL_DELAY_MS = 3000;
/**
 * Often enough that a session outlives its idle timeout, lifetime warning or reclaim grace by
 * a third of it at most, never less often than every 30 s, and never busier than 1 s.
 */
const reapIntervalMs = (...durations: number[]) => Math.min(30_000, Math.max(1000, Math.floor(Math.min(...durations) / 3)));

export class SandboxManager {
  readonly #sessions = new Map<string, Session>();
  readonly #pool: Sandbox[] = [];
  readonly #acquiring = new Map<string, Promise<Sandbox>>();
  /** Nodes being added, by container name, so a second request for one waits for the first. */
  readonly #adding = new Map<string, Promise<Sandbox>>();
  /** Why each learner's last session ended while they were away, until their page is told. */
  readonly #ended = new Map<string, EndReason>();
  /** Open pages per learner; kept apart from sessions because a page connects before its sandbox exists. */
  readonly #viewers = new Map<string, number>();
  /** Pre-started sessions by tag. */
  readonly #reservations = new Map<string, Reservation>();
  /** Shells started ahead, by container id, until a session takes them or the sandbox goes. */
  readonly #parkedShells = new Map<string, ParkedShell>();
  #starting = 0;
  #poolStarting = 0;
  /** Nodes of the reserved session being started (one session at a time). */
  #reservedStarting = 0;
  /** Nothing is started before the sandboxes of an earlier run are adopted. */
  #started = false;
  #refilling: Promise<void> | null = null;
  #reaper: NodeJS.Timeout | null = null;
  #closed = false;
  #diskQuotaBytes: number | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly options: SandboxManagerOptions,
  ) {}

  get counts() {
    return {
      sessions: this.#sessions.size,
      nodes: this.#nodeCount(),
      pooled: this.#pool.length,
      /** Pre-started sessions ready for their reservations' learners. */
      reserved: [...this.#reservations.values()].reduce((sum, reservation) => sum + reservation.ready.length, 0),
      starting: this.#starting,
      max: this.options.maxSandboxes,
    };
  }

  /** Finds sandboxes left by an earlier run, removes what is stale, starts the reaper and pool. */
  async start(): Promise<void> {
    if (this.options.diskQuota) {
      const { Size } = await this.docker.getImage(this.options.image).inspect();
      this.#diskQuotaBytes = Size + this.options.limits.diskBytes;
    }
    await this.#adopt();
    const { idleTimeoutMs, maxLifetimeMs, reclaimGraceMs } = this.options;
    this.#reaper = setInterval(() => {
      this.reap(Date.now()).catch((error: Error) => this.#log(`reaping failed: ${error.message}`));
    }, reapIntervalMs(idleTimeoutMs, lifetimeWarningMs(maxLifetimeMs), reclaimGraceMs));
    this.#reaper.unref();
    this.#started = true;
    this.refill();
  }

  /** Stops timers; sandboxes keep running so a restarted Slipway finds them again. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reaper) clearInterval(this.#reaper);
    await this.#refilling;
    // An adopted sandbox gets a fresh shell; these would live on in it, unread.
    for (const id of [...this.#parkedShells.keys()]) this.#releaseShell(id);
  }

  /** The shell started ahead in `sandbox`, once: from then on the taker owns it. */
  takeShell(sandbox: Sandbox): ParkedShell | undefined {
    return this.#unpark(sandbox.id);
  }

  /** One node of the learner's session. */
  sandboxOf(learner: string, node: string = FIRST_NODE): Sandbox | undefined {
    return this.#sessions.get(learner)?.nodes.get(node);
  }

  /** Every node of the learner's session, node1 first. */
  nodesOf(learner: string): Sandbox[] {
    const nodes = [...(this.#sessions.get(learner)?.nodes.values() ?? [])];
    return nodes.sort((a, b) => nodeIndex(a.node) - nodeIndex(b.node));
  }

  /** Once: why the learner's session was released unasked since they last connected. */
  takeEnded(learner: string): EndReason | undefined {
    const reason = this.#ended.get(learner);
    this.#ended.delete(learner);
    return reason;
  }

  /** Milliseconds until the learner's session reaches its lifetime, when its page is to be warned now. */
  endingIn(learner: string, now: number): number | undefined {
    const session = this.#sessions.get(learner);
    if (!session) return undefined;
    const left = lifetimeLeft(session, now, this.options.maxLifetimeMs);
    return left <= lifetimeWarningMs(this.options.maxLifetimeMs) ? Math.max(0, left) : undefined;
  }

  /** When the learner's session reaches its lifetime (ms since epoch); undefined without a session. */
  endsAt(learner: string): number | undefined {
    const session = this.#sessions.get(learner);
    return session && lifetimeEnd(session, this.options.maxLifetimeMs);
  }

  /**
   * Gives the learner's session `ms` more before its lifetime ends (a trainer's extension);
   * its page may be warned again as the new end nears. The new end, or undefined without a session.
   */
  extend(learner: string, ms: number): number | undefined {
    const session = this.#sessions.get(learner);
    if (!session) return undefined;
    session.extendedMs += ms;
    session.warned = false;
    this.options.extensions?.set(session.nodes.get(FIRST_NODE)!.id, session.extendedMs);
    return lifetimeEnd(session, this.options.maxLifetimeMs);
  }

  /**
   * The learner's sandbox: their own if it exists, else a ready session of `options.reservation`
   * (handed over whole), else one from the pool, else a new one. `progress` hears which, before
   * it is ready (the page words it).
   */
  acquire(learner: string, progress: SandboxProgress = () => {}, options: AcquireOptions = {}): Promise<Sandbox> {
    const existing = this.#sessions.get(learner)?.nodes.get(FIRST_NODE);
    if (existing) return Promise.resolve(existing);
    const pending = this.#acquiring.get(learner);
    if (pending) return pending;
    return this.#acquire(learner, progress, this.#claim(options.reservation));
  }

  /**
   * Keeps up to `sessions` whole sessions of `wanted` nodes started ahead for `tag`, replacing
   * its reservation (0 drops it). They start one at a time in the background, below the
   * reclaim mark; sessions beyond the new number, or of another size, are removed.
   */
  reserve(tag: string, sessions: number, wanted: number): void {
    // A lesson needing more nodes than a session may hold gets what the session may.
    const nodes = Math.max(1, Math.min(wanted, this.options.maxNodes));
    const previous = this.#reservations.get(tag);
    const ready = previous?.nodes === nodes ? previous.ready : [];
    if (previous && previous.nodes !== nodes) void this.#drop(previous.ready, 'of another size');
    void this.#drop(ready.splice(Math.max(0, sessions)), 'no longer wanted');
    if (sessions > 0) this.#reservations.set(tag, { sessions, nodes, ready });
    else this.#reservations.delete(tag);
    this.refill();
  }

  /** The reservation the learner's session was handed over from, if any. */
  reservationOf(learner: string): string | undefined {
    return this.#sessions.get(learner)?.reservation;
  }

  /** Sessions of `tag`'s reservation ready to be handed over now. */
  reservedReady(tag: string): number {
    return this.#reservations.get(tag)?.ready.length ?? 0;
  }

  viewerAttached(learner: string): void {
    this.#viewers.set(learner, (this.#viewers.get(learner) ?? 0) + 1);
  }

  viewerDetached(learner: string): void {
    const viewers = (this.#viewers.get(learner) ?? 0) - 1;
    if (viewers > 0) this.#viewers.set(learner, viewers);
    else this.#viewers.delete(learner);
    const session = this.#sessions.get(learner);
    if (session) session.lastActive = Date.now();
  }

  /** Starts node `name` (node2 ...) on the learner's network; the session must exist. */
  addNode(learner: string, name: string): Promise<Sandbox> {
    return this.#addNode(learner, name, true);
  }

  /** With `mayReclaim`, at the maximum, reclaims a closed page's session to make room first. */
  #addNode(learner: string, name: string, mayReclaim: boolean): Promise<Sandbox> {
    const session = this.#sessions.get(learner);
    if (!session) return Promise.reject(new SlipwayError('SANDBOX_FAILED', `learner ${learner.slice(0, 8)} has no session to add ${name} to`));
    const existing = session.nodes.get(name);
    if (existing) return Promise.resolve(existing);
    const container = learnerContainerName(learner, name);
    const pending = this.#adding.get(container);
    if (pending) return pending;
    const plan = planAddNode(session.nodes.size + this.#addingFor(learner), this.options.maxNodes, this.#capacity());
    if (plan === 'node-limit') return Promise.reject(new SlipwayError('NODE_LIMIT_REACHED', `at most ${this.options.maxNodes}`));
    if (plan === 'full') {
      if (!mayReclaim) return Promise.reject(new SlipwayError('SANDBOX_LIMIT_REACHED'));
      return this.#reclaimFor(1).then((freed) => {
        if (!freed) throw new SlipwayError('SANDBOX_LIMIT_REACHED');
        return this.#addNode(learner, name, false);
      });
    }
    const adding = this.#create(container, name, session.network)
      .then((sandbox) => {
        // Reset or reaped meanwhile: the node, and the old session's network, belong to nobody.
        if (this.#sessions.get(learner) !== session) {
          void this.#remove(sandbox);
          throw new SlipwayError('SANDBOX_FAILED', `the session ended while ${name} was starting`);
        }
        session.nodes.set(name, sandbox);
        return sandbox;
      })
      .finally(() => this.#adding.delete(container));
    this.#adding.set(container, adding);
    return adding;
  }

  /** Removes one node (never node1: a session without it is reset instead). */
  async removeNode(learner: string, name: string): Promise<void> {
    const session = this.#sessions.get(learner);
    const sandbox = session?.nodes.get(name);
    if (!session || !sandbox || name === FIRST_NODE) throw new SlipwayError('NODE_NOT_FOUND', name);
    session.nodes.delete(name);
    await this.#removeContainer(sandbox);
  }

  /** Removes every node of the learner's session and its network. */
  async release(learner: string): Promise<void> {
    await this.#acquiring.get(learner)?.catch(() => undefined);
    const session = this.#sessions.get(learner);
    if (!session) return;
    this.#sessions.delete(learner);
    await this.#removeSession(session);
  }

  /** Throws the learner's nodes away and gives them a fresh node1, or a ready session of `options.reservation`. */
  async reset(learner: string, progress: SandboxProgress = () => {}, options: AcquireOptions = {}): Promise<Sandbox> {
    // Claimed before the release's first await: the caller decided on a session ready now.
    const claimed = this.#claim(options.reservation);
    await this.release(learner);
    const existing = this.#sessions.get(learner)?.nodes.get(FIRST_NODE);
    const pending = existing ? Promise.resolve(existing) : this.#acquiring.get(learner);
    if (!pending) return this.#acquire(learner, progress, claimed);
    // Another page of the learner acquired meanwhile: the claimed session goes back.
    if (claimed) this.#unclaim(claimed);
    return pending;
  }

  /**
   * Releases the sessions past their lifetime, idle past the timeout, and, near the maximum,
   * those of closed pages past the grace; warns those whose lifetime ends soon.
   */
  async reap(now: number): Promise<void> {
    const sessions = [...this.#sessions.values()];
    const lifetimes = lifetimeDecisions(sessions, now, this.options.maxLifetimeMs);
    for (const key of lifetimes.warn) {
      const session = this.#sessions.get(key)!;
      session.warned = true;
      this.options.onEnding?.(key, lifetimeLeft(session, now, this.options.maxLifetimeMs));
    }
    const ending = new Map<string, EndReason>(lifetimes.ended.map((key) => [key, 'SESSION_LIFETIME_ENDED']));
    for (const key of idleSessions(this.#activity(), now, this.options.idleTimeoutMs)) {
      if (!ending.has(key)) ending.set(key, 'SANDBOX_EXPIRED');
    }
    const freed = [...ending.keys()].reduce((sum, key) => sum + this.#sessions.get(key)!.nodes.size, 0);
    const capacity = this.#capacity();
    const remaining = this.#activity().filter((session) => !ending.has(session.key));
    const shortfall = reclaimShortfall({ ...capacity, total: capacity.total - freed });
    const dropped = this.#dropUnclaimed(shortfall);
    for (const key of reclaimable(remaining, now, this.options.reclaimGraceMs, shortfall - dropped.freed)) {
      ending.set(key, 'SANDBOX_RECLAIMED');
    }
    await Promise.all([dropped.gone, this.#end(ending)]);
  }

  /**
   * Starts pool sandboxes, then reservations' sessions, one at a time until the pool is full
   * and the reservations are (or the room is used); safe to call often.
   */
  refill(): void {
    if (this.#refilling || this.#closed || !this.#started) return;
    this.#refilling = this.#fill().finally(() => {
      this.#refilling = null;
    });
  }

  /** Every session's viewers, last activity and nodes, for the policy. */
  #activity() {
    return [...this.#sessions.values()].map((session) => ({
      key: session.key,
      viewers: this.#viewers.get(session.key) ?? 0,
      lastActive: session.lastActive,
      nodes: session.nodes.size,
    }));
  }

  /**
   * At the maximum: frees `wanted` sandboxes, dropping unclaimed reserved sessions first, then
   * reclaiming closed pages' sessions; false when nothing could go.
   */
  async #reclaimFor(wanted: number): Promise<boolean> {
    const dropped = this.#dropUnclaimed(wanted);
    const chosen = reclaimable(this.#activity(), Date.now(), this.options.reclaimGraceMs, wanted - dropped.freed);
    // Awaited so the room is there when the learner's sandbox starts.
    await Promise.all([dropped.gone, this.#end(new Map(chosen.map((key) => [key, 'SANDBOX_RECLAIMED'])))]);
    return dropped.freed > 0 || chosen.length > 0;
  }

  /**
   * Drops ready reserved sessions to free `wanted` sandboxes, taking them out of their
   * reservations at once (nobody claims them meanwhile): the sandboxes freed, and their removal.
   */
  #dropUnclaimed(wanted: number): { freed: number; gone: Promise<void> } {
    const ready = [...this.#reservations.values()].flatMap((reservation) => reservation.ready);
    const chosen = new Set(unclaimedToDrop(ready.map((session) => ({ id: session.id, nodes: session.nodes.size })), wanted));
    const dropped = ready.filter((session) => chosen.has(session.id));
    for (const reservation of this.#reservations.values()) reservation.ready = reservation.ready.filter((session) => !chosen.has(session.id));
    return {
      freed: dropped.reduce((sum, session) => sum + session.nodes.size, 0),
      gone: this.#drop(dropped, 'making room for a learner'),
    };
  }

  /** Takes a ready session of `tag`'s reservation for a learner. */
  #claim(tag: string | undefined): Reserved | undefined {
    return tag === undefined ? undefined : this.#reservations.get(tag)?.ready.shift();
  }

  /** A claimed session not handed over after all: back to its reservation if it still wants it. */
  #unclaim(session: Reserved): void {
    const reservation = this.#wanting(session);
    if (reservation) reservation.ready.unshift(session);
    else void this.#drop([session], 'no longer wanted');
  }

  /** The reservation of `session`'s tag when it still wants one more session of its size. */
  #wanting(session: Reserved): Reservation | undefined {
    const reservation = this.#reservations.get(session.tag);
    return reservation && reservation.nodes === session.nodes.size && reservation.ready.length < reservation.sessions ? reservation : undefined;
  }

  /** Removes reserved sessions nobody has claimed (they count no more from now on); settles once they are gone. */
  async #drop(sessions: readonly Reserved[], why: string): Promise<void> {
    await Promise.all(
      sessions.map((session) => {
        this.#log(`removing the reserved session ${session.id} of ${session.tag} (${why})`);
        return this.#removeSession(session);
      }),
    );
  }

  /** Releases sessions unasked, remembering why for their learners' next page. */
  async #end(ending: ReadonlyMap<string, EndReason>): Promise<void> {
    // Taken out, and their terminals closed, before the first await: removing takes seconds,
    // and a reap or a page connecting meanwhile must find them gone, not half there.
    const sessions = [...ending].map(([key, reason]) => ({ session: this.#sessions.get(key)!, reason }));
    for (const { session, reason } of sessions) {
      this.#sessions.delete(session.key);
      this.#ended.set(session.key, reason);
      this.#log(`${END_LOG[reason]} of ${session.key.slice(0, 8)} (${session.nodes.size} node(s))`);
      this.options.onEnded?.(session.key, reason);
    }
    await Promise.all(sessions.map(({ session }) => this.#removeSession(session)));
    if (sessions.length > 0) this.refill();
  }

  /** Adopted sessions get their extensions back; those of sessions gone meanwhile are forgotten. */
  #restoreExtensions(): void {
    const ledger = this.options.extensions;
    if (!ledger) return;
    const kept = new Map(ledger.all());
    for (const session of this.#sessions.values()) {
      const id = session.nodes.get(FIRST_NODE)!.id;
      session.extendedMs = kept.get(id) ?? 0;
      kept.delete(id);
    }
    for (const id of kept.keys()) ledger.forget(id);
  }

  #nodeCount(): number {
    let nodes = 0;
    for (const session of this.#sessions.values()) nodes += session.nodes.size;
    return nodes;
  }

  #addingFor(learner: string): number {
    const prefix = learnerContainerName(learner, '');
    return [...this.#adding.keys()].filter((name) => name.startsWith(prefix)).length;
  }

  #total(): number {
    let reserved = this.#reservedStarting;
    for (const reservation of this.#reservations.values()) for (const session of reservation.ready) reserved += session.nodes.size;
    return this.#nodeCount() + this.#adding.size + this.#pool.length + this.#starting + this.#poolStarting + reserved;
  }

  #capacity(): Capacity {
    return { total: this.#total(), max: this.options.maxSandboxes, memoryAvailable: this.options.memoryAvailable?.() ?? true };
  }

  #acquire(learner: string, progress: SandboxProgress, claimed: Reserved | undefined): Promise<Sandbox> {
    const acquiring = this.#assign(learner, progress, claimed).finally(() => this.#acquiring.delete(learner));
    this.#acquiring.set(learner, acquiring);
    return acquiring;
  }

  async #assign(learner: string, progress: SandboxProgress, claimed: Reserved | undefined): Promise<Sandbox> {
    if (claimed) {
      progress(true);
      try {
        return this.#open(learner, claimed.network, await this.#handOver(learner, claimed), claimed.tag);
      } catch (error) {
        // The pool or a cold start still serves the learner.
        this.#log(`could not hand over the reserved session ${claimed.id}: ${(error as Error).message}`);
        void this.#removeSession(claimed);
      }
    }
    let plan = planAcquire(this.#pool.length, this.#capacity());
    if (plan === 'full' && (await this.#reclaimFor(1))) plan = planAcquire(this.#pool.length, this.#capacity());
    if (plan === 'full') throw new SlipwayError('SANDBOX_LIMIT_REACHED');
    let sandbox: Sandbox;
    if (plan === 'pool') {
      sandbox = this.#pool.shift()!;
      progress(true);
      const name = learnerContainerName(learner, FIRST_NODE);
      await sandbox.container.rename({ name });
      sandbox = { ...sandbox, name };
    } else {
      progress(false);
      this.#starting += 1;
      try {
        sandbox = await this.#create(learnerContainerName(learner, FIRST_NODE), FIRST_NODE);
      } finally {
        this.#starting -= 1;
      }
    }
    return this.#open(learner, sandbox.network, new Map([[FIRST_NODE, sandbox]]));
  }

  /** Makes `nodes` the learner's session, which begins now; its node1. */
  #open(learner: string, network: string, nodes: Map<string, Sandbox>, reservation?: string): Sandbox {
    const now = Date.now();
    this.#sessions.set(learner, { key: learner, network, nodes, lastActive: now, startedAt: now, extendedMs: 0, warned: false, reservation });
    // Booting the replacement's engine takes a core for seconds: let the learner who just
    // arrived get their shell and first commands first.
    setTimeout(() => this.refill(), REFILL_DELAY_MS).unref();
    return nodes.get(FIRST_NODE)!;
  }

  /** Renames every node of a reserved session to the learner's names; its network stays. */
  async #handOver(learner: string, session: Reserved): Promise<Map<string, Sandbox>> {
    const renamed = await Promise.all(
      [...session.nodes.values()].map(async (sandbox) => {
        const name = learnerContainerName(learner, sandbox.node);
        await sandbox.container.rename({ name });
        return { ...sandbox, name };
      }),
    );
    return new Map(renamed.map((sandbox) => [sandbox.node, sandbox]));
  }

  async #fill(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const capacity = this.#capacity();
      if (poolShortfall(this.options.poolSize, this.#pool.length + this.#poolStarting, capacity) > 0) {
        if (!(await this.#startPooled())) return;
        continue;
      }
      const needs = [...this.#reservations].map(([tag, { sessions, nodes, ready }]) => ({ tag, sessions, nodes, held: ready.length }));
      const tag = nextReservation(needs, capacity);
      if (!tag || !(await this.#startReserved(tag))) return;
    }
  }

  /** One pool sandbox; false when it could not start (or Slipway is closing). */
  async #startPooled(): Promise<boolean> {
    this.#poolStarting += 1;
    try {
      const sandbox = await this.#create(poolContainerName(newId()), FIRST_NODE);
      if (this.#closed) return false;
      this.#pool.push(sandbox);
      return true;
    } catch (error) {
      this.#log(`could not start a pool sandbox: ${(error as Error).message}`);
      return false;
    } finally {
      this.#poolStarting -= 1;
    }
  }

  /** One whole session for `tag`'s reservation; false when it could not start (or Slipway is closing). */
  async #startReserved(tag: string): Promise<boolean> {
    const { nodes } = this.#reservations.get(tag)!;
    this.#reservedStarting += nodes;
    let session: Reserved;
    try {
      session = await this.#createReserved(tag, nodes);
    } catch (error) {
      this.#log(`could not start a reserved session for ${tag}: ${(error as Error).message}`);
      return false;
    } finally {
      this.#reservedStarting -= nodes;
    }
    // Left running when closing: the next start adopts it.
    if (this.#closed) return false;
    const reservation = this.#wanting(session);
    if (reservation) reservation.ready.push(session);
    else void this.#drop([session], 'no longer wanted');
    return true;
  }

  /** node1 on a network of its own, then node2..nodeN joining it, named and labelled as reserved. */
  async #createReserved(tag: string, nodes: number): Promise<Reserved> {
    const id = newId();
    const first = await this.#create(reservedContainerName(id, FIRST_NODE), FIRST_NODE, undefined, tag);
    const session: Reserved = { id, tag, network: first.network, nodes: new Map([[FIRST_NODE, first]]) };
    try {
      for (let index = 2; index <= nodes; index += 1) {
        const node = nodeName(index);
        session.nodes.set(node, await this.#create(reservedContainerName(id, node), node, first.network, tag));
      }
    } catch (error) {
      await this.#removeSession(session);
      throw error;
    }
    return session;
  }

  /** Starts a sandbox on `joining` (a session's network), or on a new network of its own; `reservation` labels a reserved one. */
  async #create(name: string, node: string, joining?: string, reservation?: string): Promise<Sandbox> {
    const networkId = newId();
    const network = joining ?? networkName(networkId);
    const cgroupId = this.options.cgroups ? newId() : undefined;
    try {
      if (!joining) {
        await this.docker.createNetwork(networkSpec(network, this.options.instance, this.options.bridgeName?.(networkId)));
        if (this.options.catalogContainer) {
          await this.docker.getNetwork(network).connect({
            Container: this.options.catalogContainer,
            EndpointConfig: { Aliases: [CATALOG_ALIAS] },
          });
        }
      }
      const cgroup = cgroupId ? this.options.cgroups!.prepare(cgroupId) : null;
      const container = await this.docker.createContainer(
        sandboxContainerSpec({
          instance: this.options.instance,
          name,
          image: this.options.image,
          network,
          node,
          limits: this.options.limits,
          isolation: { cgroup, diskQuotaBytes: this.#diskQuotaBytes },
          cgroupId,
          reservation,
        }),
      );
      try {
        await container.start();
      } catch (error) {
        await container.remove({ force: true, v: true }).catch(() => undefined);
        throw error;
      }
      if (this.options.parkShell) this.#parkedShells.set(container.id, this.options.parkShell(container));
      return { id: container.id, name, node, network, container, cgroupId };
    } catch (error) {
      if (cgroupId) await this.options.cgroups!.release(cgroupId);
      if (!joining) await this.#removeNetwork(network);
      throw new SlipwayError('SANDBOX_FAILED', (error as Error).message, { cause: error });
    }
  }

  /** A sandbox with a network of its own (a pooled one). */
  async #remove(sandbox: Sandbox): Promise<void> {
    await this.#removeContainer(sandbox);
    await this.#removeNetwork(sandbox.network);
  }

  async #removeSession(session: Pick<Session, 'network' | 'nodes'>): Promise<void> {
    await Promise.all([...session.nodes.values()].map((sandbox) => this.#removeContainer(sandbox)));
    await this.#removeNetwork(session.network);
  }

  /** The one place a sandbox container goes, and its cgroup subtree with it. */
  async #removeContainer(sandbox: Sandbox): Promise<void> {
    await sandbox.container.remove({ force: true, v: true }).catch((error: Error) => {
      this.#log(`could not remove ${sandbox.name}: ${error.message}`);
    });
    this.#releaseShell(sandbox.id);
    if (sandbox.cgroupId) await this.options.cgroups?.release(sandbox.cgroupId);
    if (sandbox.node === FIRST_NODE) this.options.extensions?.forget(sandbox.id);
  }

  #releaseShell(containerId: string): void {
    this.#unpark(containerId)?.process.then((process) => process.dispose(), () => undefined);
  }

  #unpark(containerId: string): ParkedShell | undefined {
    const shell = this.#parkedShells.get(containerId);
    this.#parkedShells.delete(containerId);
    return shell;
  }

  async #removeNetwork(name: string): Promise<void> {
    const network = this.docker.getNetwork(name);
    if (this.options.catalogContainer) {
      await network.disconnect({ Container: this.options.catalogContainer, Force: true }).catch(() => undefined);
    }
    await network.remove().catch(() => undefined);
  }

  async #adopt(): Promise<void> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.role}=${ROLE_SANDBOX}`, `${LABELS.instance}=${this.options.instance}`] },
    });
    const networksInUse = new Set<string>();
    const keptCgroups = new Set<string>();
    const reserved = new Map<string, Reserved>();
    const now = Date.now();
    for (const info of containers) {
      const name = info.Names[0] ?? '';
      const parsed = parseContainerName(name);
      const network = info.Labels[LABELS.network] ?? '';
      const sandbox: Sandbox = {
        id: info.Id,
        name: name.replace(/^\//, ''),
        node: info.Labels[LABELS.node] ?? FIRST_NODE,
        network,
        container: this.docker.getContainer(info.Id),
        cgroupId: info.Labels[LABELS.cgroup],
      };
      const stale = info.Labels[LABELS.image] !== this.options.image;
      if (!parsed || (parsed.kind !== 'learner' && (stale || info.State !== 'running'))) {
        await this.#remove(sandbox);
        continue;
      }
      if (info.State !== 'running') {
        // After a reboot its cgroup subtree is gone too; the engine would make a root-owned one.
        if (sandbox.cgroupId) this.options.cgroups?.prepare(sandbox.cgroupId);
        await sandbox.container.start().catch((error: Error) => this.#log(`could not restart ${sandbox.name}: ${error.message}`));
      }
      if (sandbox.cgroupId) keptCgroups.add(sandbox.cgroupId);
      networksInUse.add(network);
      if (parsed.kind === 'pool') {
        this.#pool.push(sandbox);
        continue;
      }
      if (parsed.kind === 'reserved') {
        const session = reserved.get(parsed.session) ?? { id: parsed.session, tag: info.Labels[LABELS.reservation] ?? '', network, nodes: new Map() };
        session.nodes.set(parsed.node, sandbox);
        reserved.set(parsed.session, session);
        continue;
      }
      let session = this.#sessions.get(parsed.learner);
      if (!session) {
        session = { key: parsed.learner, network, nodes: new Map(), lastActive: now, startedAt: now, extendedMs: 0, warned: false };
        this.#sessions.set(parsed.learner, session);
      }
      session.nodes.set(parsed.node, sandbox);
      if (parsed.node === FIRST_NODE) {
        session.startedAt = adoptedStart(info.Created * 1000, now, this.options.maxLifetimeMs);
        session.reservation = info.Labels[LABELS.reservation];
      }
    }
    // node1 is the session: nodes left without it (a crash mid-reset) belong to nobody.
    for (const session of [...this.#sessions.values()]) {
      if (session.nodes.has(FIRST_NODE)) continue;
      this.#sessions.delete(session.key);
      networksInUse.delete(session.network);
      await Promise.all([...session.nodes.values()].map((sandbox) => this.#removeContainer(sandbox)));
    }
    this.#restoreExtensions();
    // Reserved sessions go back to their reservations (made before start) while wanted and whole.
    for (const session of reserved.values()) {
      const reservation = this.#wanting(session);
      // Whole: node1..nodeN, none missing (a crash mid-start leaves gaps).
      if (reservation && [...session.nodes.keys()].every((node) => nodeIndex(node) <= reservation.nodes)) {
        reservation.ready.push(session);
        continue;
      }
      networksInUse.delete(session.network);
      await Promise.all([...session.nodes.values()].map((sandbox) => this.#removeContainer(sandbox)));
    }
    const networks = await this.docker.listNetworks({
      filters: { label: [`${LABELS.role}=${ROLE_NETWORK}`, `${LABELS.instance}=${this.options.instance}`] },
    });
    for (const network of networks) {
      if (!networksInUse.has(network.Name)) await this.#removeNetwork(network.Name);
    }
    await this.options.cgroups?.sweep(keptCgroups);
    if (containers.length > 0) {
      this.#log(
        `adopted ${this.#sessions.size} learner session(s) with ${this.#nodeCount()} node(s), ${this.#pool.length} pooled, and ${this.counts.reserved} reserved session(s)`,
      );
    }
  }

  #log(line: string): void {
    this.options.log?.(line);
  }
}
