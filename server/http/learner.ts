/**
 * One learner as the server holds them: their page (at most one socket, watched for a page
 * that stops reading), their session (nodes, shells, engine states, features), and what their
 * page was last told. The learner owns all of it and `release` lets go of it in one place;
 * the hub routes messages and asks the sandbox manager for sandboxes.
 */
import type { WebSocket } from 'ws';
import { translator } from '../common/i18n';
import { ERRORS, ORIGINAL_LOCALE, type ErrorCode, type Locale, type ServerMessage } from '../protocol';
import type { LearnerSession } from '../session/learner-session';
import type { Viewer } from '../terminal/terminal-channel';
import { StuckWatch, closeTooSlow, type SocketQueueLimits } from './stuck-socket';

const DEFAULT_SIZE = { cols: 100, rows: 30 };

/** What the page was last told while its sandbox is on the way, worded again when the learner switches language. */
export interface Starting {
  state: 'starting' | 'resetting';
  text: 'sandbox.warm' | 'sandbox.cold' | 'sandbox.resetting';
  warm?: boolean;
}

interface Page {
  socket: WebSocket;
  viewer: Viewer;
  /** Looks at the socket's send queue every CHECK_MS. */
  watching: NodeJS.Timeout;
}

export class Learner {
  /** node1's terminal size, which new shells start at. */
  size = { ...DEFAULT_SIZE };
  /** The learner's language: from the page's `locale` message (or a `lesson-select`'s); English until it comes. */
  locale: Locale = ORIGINAL_LOCALE;
  #page: Page | null = null;
  #session: LearnerSession | null = null;
  #starting: Starting | null = null;

  constructor(
    private readonly queueLimits: SocketQueueLimits,
    /** Called as a page is closed for not reading. */
    private readonly onTooSlow: (queuedBytes: number) => void,
  ) {}

  get socket(): WebSocket | null {
    return this.#page?.socket ?? null;
  }

  get viewer(): Viewer | null {
    return this.#page?.viewer ?? null;
  }

  get session(): LearnerSession | null {
    return this.#session;
  }

  /** Makes `socket` the learner's page, closing an older one as replaced. */
  attach(socket: WebSocket): Viewer {
    const older = this.#page;
    if (older) {
      this.detach(older.socket);
      close(older.socket, 'REPLACED');
    }
    const viewer = socketViewer(socket, this.queueLimits);
    const watch = new StuckWatch(this.queueLimits);
    const watching = setInterval(() => {
      if (!watch.stuck(socket.bufferedAmount, Date.now())) return;
      this.onTooSlow(socket.bufferedAmount);
      closeTooSlow(socket, this.queueLimits);
    }, this.queueLimits.CHECK_MS);
    watching.unref();
    this.#page = { socket, viewer, watching };
    return viewer;
  }

  /** `socket` closed: if it was the learner's page, the session goes on without a viewer. True then. */
  detach(socket: WebSocket): boolean {
    const page = this.#page;
    if (page?.socket !== socket) return false;
    clearInterval(page.watching);
    this.#page = null;
    this.#session?.detach(page.viewer);
    return true;
  }

  /** Whether `socket` is still this learner's page (a newer one may have replaced it). */
  shows(socket: WebSocket): boolean {
    return this.#page?.socket === socket;
  }

  /** Takes `session` unless the learner already has one or `socket` is no longer their page; false then (the caller disposes it). */
  adopt(session: LearnerSession, socket: WebSocket): boolean {
    if (this.#session || !this.shows(socket)) return false;
    this.#session = session;
    return true;
  }

  disposeSession(): void {
    this.#session?.dispose();
    this.#session = null;
  }

  /** Tells the page its sandbox is on the way (`null` once it is there), in the learner's language. */
  setStarting(starting: Starting | null): void {
    this.#starting = starting;
    if (starting) this.#sendStarting(starting);
  }

  /** From now on the server words everything for this learner in `locale`, and says again what it words. */
  setLocale(locale: Locale): void {
    if (this.locale === locale) return;
    this.locale = locale;
    this.#session?.setLocale(locale);
    if (this.#starting) this.#sendStarting(this.#starting);
  }

  /** To the page, if one is open. */
  send(message: ServerMessage): void {
    if (this.#page) send(this.#page.socket, message);
  }

  /** The page shows why the session stopped (and offers a new sandbox), and is closed. */
  stop(reason: ErrorCode): void {
    if (this.#page) stopped(this.#page.socket, reason);
  }

  /**
   * Lets go of the session (every node's shell and engine state) and closes the page with
   * `code`; the page's socket, once closed, detaches as any closing page does.
   */
  release(code?: ErrorCode): void {
    this.disposeSession();
    this.#starting = null;
    if (code && this.#page) close(this.#page.socket, code);
  }

  #sendStarting({ state, text, warm }: Starting): void {
    this.send({ type: 'sandbox', state, detail: translator(this.locale)(text), ...(warm !== undefined ? { warm } : {}) });
  }
}

function socketViewer(socket: WebSocket, limits: SocketQueueLimits): Viewer {
  return {
    sendFrame: (frame) => {
      if (socket.bufferedAmount >= limits.MAX_QUEUED_BYTES) return closeTooSlow(socket, limits);
      if (socket.readyState === socket.OPEN) socket.send(frame, { binary: true });
    },
    sendMessage: (message) => {
      if (socket.bufferedAmount >= limits.MAX_QUEUED_BYTES) return closeTooSlow(socket, limits);
      send(socket, message);
    },
    close: (code) => close(socket, code),
  };
}

/** The page's session ended for `reason`: it shows why, and offers a new sandbox. */
function stopped(socket: WebSocket, reason: ErrorCode): void {
  send(socket, { type: 'sandbox', state: 'expired', reason, detail: ERRORS[reason].message });
  close(socket, reason);
}

export function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

export function close(socket: WebSocket, code: ErrorCode): void {
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
    socket.close(ERRORS[code].close, code);
  }
}
