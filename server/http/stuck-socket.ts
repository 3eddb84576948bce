/**
 * A page that stops reading (a stuck tab, or a client that floods, sends huge acks and
 * never reads) must not make the server queue without end. Acks are the client's word, so
 * the socket's own send queue is watched as well: past MAX_QUEUED_BYTES the socket is
 * closed at once; above STUCK_QUEUED_BYTES for STUCK_MS it is closed too. Both close with
 * TOO_SLOW, and the shell behind it goes on, paused, for the next page.
 */
import type { WebSocket } from 'ws';
import { ERRORS } from '../protocol/errors';

export const SOCKET_QUEUE = {
  /** Queued bytes above which a socket counts as not reading. */
  STUCK_QUEUED_BYTES: 1024 * 1024,
  /** How long a socket may stay above STUCK_QUEUED_BYTES. */
  STUCK_MS: 10_000,
  /** Queued bytes at which a socket is closed at once, whatever its acks say. */
  MAX_QUEUED_BYTES: 8 * 1024 * 1024,
  /** How often the queue is looked at. */
  CHECK_MS: 1000,
};
export type SocketQueueLimits = typeof SOCKET_QUEUE;

/** Closes a socket that stopped reading; if even the close frame cannot get out, cuts it. */
export function closeTooSlow(socket: WebSocket, limits: SocketQueueLimits): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.close(ERRORS.TOO_SLOW.close, 'TOO_SLOW');
  setTimeout(() => socket.terminate(), limits.CHECK_MS).unref();
}

/** Decides, from the queued bytes seen over time, whether a socket is stuck. Pure. */
export class StuckWatch {
  #since: number | null = null;

  constructor(private readonly limits: SocketQueueLimits = SOCKET_QUEUE) {}

  /** Whether a socket with `queued` bytes waiting at `now` should be closed as too slow. */
  stuck(queued: number, now: number): boolean {
    if (queued >= this.limits.MAX_QUEUED_BYTES) return true;
    if (queued < this.limits.STUCK_QUEUED_BYTES) {
      this.#since = null;
      return false;
    }
    this.#since ??= now;
    return now - this.#since >= this.limits.STUCK_MS;
  }
}
