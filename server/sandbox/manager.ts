/**
 * Owns every sandbox on the engine: one per learner, plus a small warm pool. Sandboxes
 * are found again by their labels and names after a Slipway restart, reaped after a
 * configured idle time, and limited to a configured number.
 */
import type Docker from 'dockerode';
import { SlipwayError } from '../protocol';
import { idleSessions, planAcquire, poolShortfall } from './policy';
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
  sandboxContainerSpec,
  type SandboxLimits,
} from './spec';

export interface Sandbox {
  id: string;
  name: string;
  node: string;
  network: string;
  container: Docker.Container;
}

interface Session {
  key: string;
  sandbox: Sandbox;
  lastActive: number;
}

export interface SandboxManagerOptions {
  /** Labels every sandbox and network, so several Slipways can share one engine. */
  instance: string;
  image: string;
  /** The catalog registry container, joined to every sandbox network; null when absent. */
  catalogContainer: string | null;
  limits: SandboxLimits;
  maxSandboxes: number;
  poolSize: number;
  idleTimeoutMs: number;
  log?: (line: string) => void;
  /** Called after a sandbox is removed for idleness, so open terminals can be closed. */
  onExpired?: (learner: string) => void;
}

const NODE = 'node1';
const REFILL_DELAY_MS = 3000;
/** Often enough that a sandbox outlives its idle timeout by a third at most, and never busier than 1 s. */
const reapIntervalMs = (idleTimeoutMs: number) => Math.min(30_000, Math.max(1000, Math.floor(idleTimeoutMs / 3)));

export class SandboxManager {
  readonly #sessions = new Map<string, Session>();
  readonly #pool: Sandbox[] = [];
  readonly #acquiring = new Map<string, Promise<Sandbox>>();
  readonly #expired = new Set<string>();
  /** Open pages per learner; kept apart from sessions because a page connects before its sandbox exists. */
  readonly #viewers = new Map<string, number>();
  #starting = 0;
  #poolStarting = 0;
  #refilling: Promise<void> | null = null;
  #reaper: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly options: SandboxManagerOptions,
  ) {}

  get counts() {
    return { sessions: this.#sessions.size, pooled: this.#pool.length, starting: this.#starting, max: this.options.maxSandboxes };
  }

  /** Finds sandboxes left by an earlier run, removes what is stale, starts the reaper and pool. */
  async start(): Promise<void> {
    await this.#adopt();
    this.#reaper = setInterval(() => {
      this.reapIdle(Date.now()).catch((error: Error) => this.#log(`reaping failed: ${error.message}`));
    }, reapIntervalMs(this.options.idleTimeoutMs));
    this.#reaper.unref();
    this.refillPool();
  }

  /** Stops timers; sandboxes keep running so a restarted Slipway finds them again. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reaper) clearInterval(this.#reaper);
    await this.#refilling;
  }

  sandboxOf(learner: string): Sandbox | undefined {
    return this.#sessions.get(learner)?.sandbox;
  }

  /** True once: the learner's sandbox was reaped since they last connected. */
  takeExpired(learner: string): boolean {
    return this.#expired.delete(learner);
  }

  /** The learner's sandbox: their own if it exists, else one from the pool, else a new one. */
  acquire(learner: string, progress: (detail: string, warm: boolean) => void = () => {}): Promise<Sandbox> {
    const existing = this.#sessions.get(learner);
    if (existing) return Promise.resolve(existing.sandbox);
    const pending = this.#acquiring.get(learner);
    if (pending) return pending;
    const acquiring = this.#assign(learner, progress).finally(() => this.#acquiring.delete(learner));
    this.#acquiring.set(learner, acquiring);
    return acquiring;
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

  /** Throws the learner's sandbox away and gives them a fresh one. */
  async reset(learner: string, progress?: (detail: string, warm: boolean) => void): Promise<Sandbox> {
    await this.#acquiring.get(learner)?.catch(() => undefined);
    const session = this.#sessions.get(learner);
    if (session) {
      this.#sessions.delete(learner);
      await this.#remove(session.sandbox);
    }
    return this.acquire(learner, progress);
  }

  async reapIdle(now: number): Promise<string[]> {
    const activity = [...this.#sessions.values()].map((session) => ({
      key: session.key,
      viewers: this.#viewers.get(session.key) ?? 0,
      lastActive: session.lastActive,
    }));
    const idle = idleSessions(activity, now, this.options.idleTimeoutMs);
    // Taken out before the first await: removing takes seconds, and a reap that starts
    // meanwhile must not find (and reap) the same sessions again.
    const reaped = idle.map((learner) => this.#sessions.get(learner)!);
    for (const session of reaped) {
      this.#sessions.delete(session.key);
      this.#expired.add(session.key);
    }
    for (const session of reaped) {
      this.#log(`reaping idle sandbox ${session.sandbox.name}`);
      this.options.onExpired?.(session.key);
      await this.#remove(session.sandbox);
    }
    if (reaped.length > 0) this.refillPool();
    return idle;
  }

  /** Starts pool sandboxes one at a time until the pool is full; safe to call often. */
  refillPool(): void {
    if (this.#refilling || this.#closed) return;
    this.#refilling = this.#fillPool().finally(() => {
      this.#refilling = null;
    });
  }

  #total(): number {
    return this.#sessions.size + this.#pool.length + this.#starting + this.#poolStarting;
  }

  async #assign(learner: string, progress: (detail: string, warm: boolean) => void): Promise<Sandbox> {
    const plan = planAcquire(this.#pool.length, { total: this.#total(), max: this.options.maxSandboxes });
    if (plan === 'full') throw new SlipwayError('SANDBOX_LIMIT_REACHED');
    let sandbox: Sandbox;
    if (plan === 'pool') {
      sandbox = this.#pool.shift()!;
      progress('Handing you a ready sandbox…', true);
      const name = learnerContainerName(learner, NODE);
      await sandbox.container.rename({ name });
      sandbox = { ...sandbox, name };
    } else {
      progress('Starting your own Docker engine…', false);
      this.#starting += 1;
      try {
        sandbox = await this.#create(learnerContainerName(learner, NODE));
      } finally {
        this.#starting -= 1;
      }
    }
    this.#sessions.set(learner, { key: learner, sandbox, lastActive: Date.now() });
    // Booting the replacement's engine takes a core for seconds: let the learner who just
    // arrived get their shell and first commands first.
    setTimeout(() => this.refillPool(), REFILL_DELAY_MS).unref();
    return sandbox;
  }

  async #fillPool(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const shortfall = poolShortfall(this.options.poolSize, this.#pool.length + this.#poolStarting, {
        total: this.#total(),
        max: this.options.maxSandboxes,
      });
      if (shortfall === 0) return;
      this.#poolStarting += 1;
      try {
        const sandbox = await this.#create(poolContainerName(newId()));
        if (this.#closed) return;
        this.#pool.push(sandbox);
      } catch (error) {
        this.#log(`could not start a pool sandbox: ${(error as Error).message}`);
        return;
      } finally {
        this.#poolStarting -= 1;
      }
    }
  }

  async #create(name: string): Promise<Sandbox> {
    const network = networkName(newId());
    await this.docker.createNetwork(networkSpec(network, this.options.instance));
    try {
      if (this.options.catalogContainer) {
        await this.docker.getNetwork(network).connect({
          Container: this.options.catalogContainer,
          EndpointConfig: { Aliases: [CATALOG_ALIAS] },
        });
      }
      const container = await this.docker.createContainer(
        sandboxContainerSpec({ instance: this.options.instance, name, image: this.options.image, network, node: NODE, limits: this.options.limits }),
      );
      try {
        await container.start();
      } catch (error) {
        await container.remove({ force: true, v: true }).catch(() => undefined);
        throw error;
      }
      return { id: container.id, name, node: NODE, network, container };
    } catch (error) {
      await this.#removeNetwork(network);
      throw new SlipwayError('SANDBOX_FAILED', (error as Error).message, { cause: error });
    }
  }

  async #remove(sandbox: Sandbox): Promise<void> {
    await sandbox.container.remove({ force: true, v: true }).catch((error: Error) => {
      this.#log(`could not remove ${sandbox.name}: ${error.message}`);
    });
    await this.#removeNetwork(sandbox.network);
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
    for (const info of containers) {
      const name = info.Names[0] ?? '';
      const parsed = parseContainerName(name);
      const network = info.Labels[LABELS.network] ?? '';
      const sandbox: Sandbox = {
        id: info.Id,
        name: name.replace(/^\//, ''),
        node: info.Labels[LABELS.node] ?? NODE,
        network,
        container: this.docker.getContainer(info.Id),
      };
      const stale = info.Labels[LABELS.image] !== this.options.image;
      if (!parsed || (parsed.pool && (stale || info.State !== 'running'))) {
        await this.#remove(sandbox);
        continue;
      }
      if (info.State !== 'running') {
        await sandbox.container.start().catch((error: Error) => this.#log(`could not restart ${sandbox.name}: ${error.message}`));
      }
      networksInUse.add(network);
      if (parsed.pool) this.#pool.push(sandbox);
      else this.#sessions.set(parsed.learner, { key: parsed.learner, sandbox, lastActive: Date.now() });
    }
    const networks = await this.docker.listNetworks({
      filters: { label: [`${LABELS.role}=${ROLE_NETWORK}`, `${LABELS.instance}=${this.options.instance}`] },
    });
    for (const network of networks) {
      if (!networksInUse.has(network.Name)) await this.#removeNetwork(network.Name);
    }
    if (containers.length > 0) {
      this.#log(`adopted ${this.#sessions.size} learner sandbox(es) and ${this.#pool.length} pooled`);
    }
  }

  #log(line: string): void {
    this.options.log?.(line);
  }
}
