/**
 * Per-client admission: a client (keyed by its remote address) may hold so many open
 * sockets at once, and start sessions, reset its sandbox or add nodes so many times a
 * minute. Anyone can get a cookie, so without this one client could take every sandbox.
 * Pure apart from `clientOf`: time is passed in.
 */
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '../protocol';

/** The client a request comes from: its remote address (a proxy's clients share the proxy's). */
export const clientOf = (request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown';

export interface ClientLimitsConfig {
  /** Open sockets one address may hold. */
  maxSockets: number;
  /** New sockets (sessions) one address may open per minute. */
  sessionsPerMinute: number;
  /** `reset-sandbox` and `node-add` one address may send per minute, together. */
  actionsPerMinute: number;
  /** Workshop join attempts one address may make per minute (a join code is not guessed). */
  joinsPerMinute: number;
}

const MINUTE_MS = 60_000;

/** A sliding window of the last minute's events per key. */
class MinuteWindow {
  readonly #events = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Counts one event now if the key has room for it; false when it has none. */
  take(key: string, now: number): boolean {
    const recent = (this.#events.get(key) ?? []).filter((at) => now - at < MINUTE_MS);
    if (recent.length >= this.perMinute) {
      this.#events.set(key, recent);
      return false;
    }
    recent.push(now);
    this.#events.set(key, recent);
    return true;
  }

  /** Forgets keys with nothing in the last minute, so the map does not grow with every address ever seen. */
  prune(now: number): void {
    for (const [key, events] of this.#events) if (events.every((at) => now - at >= MINUTE_MS)) this.#events.delete(key);
  }
}

export class ClientLimits {
  readonly #sockets = new Map<string, number>();
  readonly #sessions: MinuteWindow;
  readonly #actions: MinuteWindow;
  readonly #joins: MinuteWindow;

  constructor(private readonly config: ClientLimitsConfig) {
    this.#sessions = new MinuteWindow(config.sessionsPerMinute);
    this.#actions = new MinuteWindow(config.actionsPerMinute);
    this.#joins = new MinuteWindow(config.joinsPerMinute);
  }

  /** Admits a new socket from `client` (and counts it), or says why not. */
  admitSocket(client: string, now: number): ErrorCode | null {
    this.#sessions.prune(now);
    this.#actions.prune(now);
    this.#joins.prune(now);
    if ((this.#sockets.get(client) ?? 0) >= this.config.maxSockets) return 'TOO_MANY_SESSIONS';
    if (!this.#sessions.take(client, now)) return 'RATE_LIMITED';
    this.#sockets.set(client, (this.#sockets.get(client) ?? 0) + 1);
    return null;
  }

  socketClosed(client: string): void {
    const open = (this.#sockets.get(client) ?? 0) - 1;
    if (open > 0) this.#sockets.set(client, open);
    else this.#sockets.delete(client);
  }

  /** Whether `client` may reset a sandbox or add a node now (and counts it). */
  allowAction(client: string, now: number): boolean {
    return this.#actions.take(client, now);
  }

  /** Whether `client` may try a workshop join code now (and counts it). */
  allowJoin(client: string, now: number): boolean {
    return this.#joins.take(client, now);
  }
}
