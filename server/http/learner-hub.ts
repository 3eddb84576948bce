/**
 * Every connected learner (a `Learner` each, which owns their page and session) and the
 * routing of messages between their page, their session and the sandbox manager. A learner
 * has at most one live socket; a newer one (a refresh, a second tab) replaces the older.
 * Terminals outlive sockets, so a reconnect finds the same shell and its screen.
 */
import type { WebSocket } from 'ws';
import type { Disposable } from '../common/disposable';
import {
  ERRORS,
  FIRST_NODE,
  PROTOCOL_VERSION,
  decodeTerminalFrame,
  errorCodeOf,
  errorMessage,
  nodeChannel,
  parseClientMessage,
  parseTrainerClientMessage,
  type ClientMessage,
  type ErrorCode,
  type ExplorerUpdate,
  type ServerMessage,
} from '../protocol';
import type { AcquireOptions, EndReason, Sandbox, SandboxManager, SandboxProgress } from '../sandbox/manager';
import { tradesForReserved } from '../sandbox/policy';
import type { ServiceFactory } from '../session/context';
import { LearnerSession } from '../session/learner-session';
import type { Log } from '../log';
import type { Viewer } from '../terminal/terminal-channel';
import type { ClientLimits } from './client-limits';
import { Learner, close, send } from './learner';
import { SOCKET_QUEUE, type SocketQueueLimits } from './stuck-socket';

/**
 * What a page's arrival, departure and messages mean beyond its own session: the workshops
 * (a paused workshop gives no sandbox; joining, raising a hand, answering a take-over).
 */
export interface PageHooks {
  admit(key: string): ErrorCode | null;
  /** The reservation (a workshop's) the learner's sandbox may come from; `joinCode` is a join link's. */
  reservation(key: string, joinCode?: string): string | undefined;
  opened(key: string): void;
  closed(key: string): void;
  /** Handles the message if it is theirs; `reply` goes to this page. */
  handle(key: string, message: ClientMessage, reply: (message: ServerMessage) => void): boolean;
}

const NO_PAGE_HOOKS: PageHooks = { admit: () => null, reservation: () => undefined, opened: () => undefined, closed: () => undefined, handle: () => false };

export class LearnerHub {
  readonly #learners = new Map<string, Learner>();

  constructor(
    private readonly manager: SandboxManager,
    private readonly services: readonly ServiceFactory[],
    private readonly maxNodes: number,
    private readonly log: Log,
    /** Whether sandboxes run in user namespaces; the page warns when not. */
    private readonly isolated: boolean,
    private readonly limits: ClientLimits,
    private readonly queueLimits: SocketQueueLimits = SOCKET_QUEUE,
    private readonly pages: PageHooks = NO_PAGE_HOOKS,
  ) {}

  /** `client` is the socket's remote address, for the per-client limits; `joinCode`, the join link the page was opened by. */
  connect(socket: WebSocket, key: string, client: string, joinCode?: string): void {
    const learner = this.#learner(key);
    const viewer = learner.attach(socket);
    this.manager.viewerAttached(key);
    send(socket, { type: 'welcome', protocol: PROTOCOL_VERSION, learner: key.slice(0, 8), isolated: this.isolated });

    socket.on('message', (data, isBinary) => {
      try {
        this.#receive(key, client, learner, viewer, data as Buffer, isBinary);
      } catch (error) {
        this.log((error as Error).message, { learner: key.slice(0, 8), level: 'warn' });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.manager.viewerDetached(key);
      if (learner.detach(socket)) this.pages.closed(key);
    });

    // A session released while the page was closed: reclaimed ones get a new sandbox at once
    // (the learner did nothing wrong), the others a stop screen saying why.
    const ended = this.manager.takeEnded(key);
    if (ended === 'SANDBOX_RECLAIMED') learner.send({ type: 'notice', code: ended, message: ERRORS[ended].message });
    else if (ended) return learner.stop(ended);
    this.pages.opened(key);
    const refused = this.pages.admit(key);
    if (refused) return learner.stop(refused);
    const options = { reservation: this.pages.reservation(key, joinCode) };
    void this.#attachSandbox(key, learner, socket, viewer, () => this.manager.acquire(key, this.#progress(learner), options));
  }

  /** The learner's session was released unasked: close their terminals and tell their page. */
  ended(key: string, reason: EndReason): void {
    const learner = this.#learners.get(key);
    if (!learner) return;
    this.#learners.delete(key);
    // Told now, so the next connection gets a fresh sandbox rather than the notice again.
    if (learner.socket) this.manager.takeEnded(key);
    learner.release();
    learner.stop(reason);
  }

  /** The learner's session reaches its lifetime in `inMs`: their page says so. */
  ending(key: string, inMs: number): void {
    this.#learners.get(key)?.send({ type: 'session-ending', inMs });
  }

  // ---- what the workshops reach (LearnerLinks) ----

  send(key: string, message: ServerMessage): void {
    this.#learners.get(key)?.viewer?.sendMessage(message);
  }

  isOpen(key: string): boolean {
    return Boolean(this.#learners.get(key)?.socket);
  }

  terminal(key: string, channel: number) {
    return this.#learners.get(key)?.session?.terminal(channel);
  }

  explorer(key: string, send: (update: ExplorerUpdate) => void, ended: () => void): Disposable | undefined {
    return this.#learners.get(key)?.session?.watch(send, ended);
  }

  /** Offers a message to the learner's session features, as if their page had sent it. */
  offer(key: string, message: ClientMessage): void {
    this.#learners.get(key)?.session?.handle(message);
  }

  resetSandbox(key: string): void {
    const learner = this.#learners.get(key);
    if (learner) this.#reset(key, learner);
  }

  /** The learner joined workshop `tag`: an untouched session of theirs is traded for a ready reserved one, as a reset. */
  offerReserved(key: string, tag: string): void {
    const learner = this.#learners.get(key);
    // Opened by the workshop's join link, the session came from its reservation already.
    if (!learner || this.manager.reservationOf(key) === tag) return;
    const held = learner.session ? { nodes: this.manager.nodesOf(key).length, commands: learner.session.commandsRun() } : null;
    if (tradesForReserved(held, this.manager.reservedReady(tag))) this.#reset(key, learner, { reservation: tag });
  }

  /** A trainer's extension of the learner's sandbox lifetime: their page drops its warning and learns the new end. */
  extend(key: string, ms: number): number | undefined {
    const endsAt = this.manager.extend(key, ms);
    if (endsAt !== undefined) this.send(key, { type: 'session-extended', endsAt });
    return endsAt;
  }

  sessionEndsAt(key: string): number | undefined {
    return this.manager.endsAt(key);
  }

  /** Releases the learner's sandbox (every node) and closes their page with `code`, which it shows. */
  end(key: string, code: ErrorCode): void {
    const learner = this.#learners.get(key);
    if (learner) {
      this.#learners.delete(key);
      learner.release();
      learner.stop(code);
    }
    this.manager.release(key).catch((error: Error) => this.log(`releasing a sandbox: ${error.message}`, { learner: key.slice(0, 8), level: 'warn' }));
  }

  closeAll(code: ErrorCode): void {
    for (const learner of this.#learners.values()) learner.release(code);
    this.#learners.clear();
  }

  #learner(key: string): Learner {
    let learner = this.#learners.get(key);
    if (!learner) {
      learner = new Learner(this.queueLimits, (queued) =>
        this.log(`closing a page that stopped reading (${queued} bytes queued)`, { learner: key.slice(0, 8), level: 'warn' }),
      );
      this.#learners.set(key, learner);
    }
    return learner;
  }

  async #attachSandbox(
    key: string,
    learner: Learner,
    socket: WebSocket,
    viewer: Viewer,
    obtain: () => Promise<Sandbox>,
  ): Promise<void> {
    let sandbox: Sandbox;
    try {
      sandbox = await obtain();
    } catch (error) {
      const code = errorCodeOf(error);
      learner.setStarting(null);
      this.log((error as Error).message, { learner: key.slice(0, 8), level: 'warn' });
      send(socket, { type: 'sandbox', state: code === 'SANDBOX_LIMIT_REACHED' ? 'full' : 'failed', detail: ERRORS[code].message, reason: code });
      close(socket, code);
      return;
    }
    if (!learner.shows(socket)) return;
    if (!learner.session) {
      try {
        const session = await LearnerSession.open({
          learner: key,
          // A restarted Slipway adopts every node of the session, not only the one acquired.
          nodes: this.manager.nodesOf(key),
          provider: {
            add: (node) => this.manager.addNode(key, node),
            remove: (node) => this.manager.removeNode(key, node),
            takeShell: (sandbox) => this.manager.takeShell(sandbox),
          },
          maxNodes: this.maxNodes,
          size: learner.size,
          services: this.services,
          locale: learner.locale,
          log: (line) => this.log(line, { learner: key.slice(0, 8) }),
        });
        if (!learner.adopt(session, socket)) session.dispose();
      } catch (error) {
        this.log((error as Error).message, { learner: key.slice(0, 8), level: 'warn' });
        learner.setStarting(null);
        send(socket, { type: 'sandbox', state: 'failed', detail: ERRORS.SANDBOX_FAILED.message, reason: 'SANDBOX_FAILED' });
        close(socket, 'SANDBOX_FAILED');
        return;
      }
    }
    if (!learner.shows(socket) || !learner.session) return;
    learner.setStarting(null);
    send(socket, { type: 'sandbox', state: 'ready' });
    // A page opened within the last minutes of the session's lifetime is warned too.
    const inMs = this.manager.endingIn(key, Date.now());
    if (inMs !== undefined) send(socket, { type: 'session-ending', inMs });
    await learner.session.attach(viewer);
  }

  #receive(key: string, client: string, learner: Learner, viewer: Viewer, data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      const frame = decodeTerminalFrame(data);
      const terminal = frame && learner.session?.terminal(frame.channel);
      if (!frame) return reject(viewer, 'empty terminal frame');
      // Keystrokes before the shell exists have nowhere to go; the page shows it is starting.
      terminal?.input(frame.data);
      return;
    }
    const text = data.toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      // A trainer's message on a learner's socket is refused as such, not as a malformed one.
      if (parseTrainerClientMessage(text).ok) return viewer.sendMessage({ type: 'error', code: 'FORBIDDEN', message: ERRORS.FORBIDDEN.message });
      return reject(viewer, parsed.error);
    }
    const message = parsed.message;
    if ((message.type === 'reset-sandbox' || message.type === 'node-add') && !this.limits.allowAction(client, Date.now())) {
      return viewer.sendMessage({ type: 'error', code: 'RATE_LIMITED', message: ERRORS.RATE_LIMITED.message });
    }
    if (message.type === 'workshop-join' && !this.limits.allowJoin(client, Date.now())) {
      return viewer.sendMessage({ type: 'error', code: 'RATE_LIMITED', message: ERRORS.RATE_LIMITED.message });
    }
    if (this.pages.handle(key, message, (reply) => viewer.sendMessage(reply))) return;
    if (!this.#handleOwn(key, learner, viewer, message) && !learner.session?.handle(message)) {
      reject(viewer, `${message.type} is not available now`);
    }
  }

  /** The terminal, sandbox and language messages; the rest belong to the session's features. */
  #handleOwn(key: string, learner: Learner, viewer: Viewer, message: ClientMessage): boolean {
    // The lessons feature takes it on, in this language.
    if (message.type === 'lesson-select' && message.locale) learner.setLocale(message.locale);
    switch (message.type) {
      case 'locale':
        learner.setLocale(message.locale);
        return true;
      case 'resize':
        if (message.channel === nodeChannel(FIRST_NODE)) learner.size = { cols: message.cols, rows: message.rows };
        learner.session?.resize(message.channel, message.cols, message.rows);
        return true;
      case 'ack':
        learner.session?.terminal(message.channel)?.acknowledge(message.bytes);
        return true;
      case 'restart-shell':
        void learner.session?.terminal(message.channel)?.restart();
        return true;
      case 'node-add':
        learner.session?.addNode().catch((error: Error) => reportError(viewer, error));
        return learner.session !== null;
      case 'node-remove':
        learner.session?.removeNode(message.node).catch((error: Error) => reportError(viewer, error));
        return learner.session !== null;
      case 'reset-sandbox':
        this.#reset(key, learner);
        return true;
      default:
        return false;
    }
  }

  #reset(key: string, learner: Learner, options?: AcquireOptions): void {
    const { socket, viewer } = learner;
    if (!socket || !viewer) return;
    learner.disposeSession();
    learner.setStarting({ state: 'resetting', text: 'sandbox.resetting' });
    void this.#attachSandbox(key, learner, socket, viewer, () => this.manager.reset(key, this.#progress(learner), options));
  }

  #progress(learner: Learner): SandboxProgress {
    return (warm) => learner.setStarting({ state: 'starting', text: warm ? 'sandbox.warm' : 'sandbox.cold', warm });
  }
}

/** A failed node request: the page shows it; the connection stays. */
function reportError(viewer: Viewer, error: Error): void {
  viewer.sendMessage(errorMessage(error));
}

function reject(viewer: Viewer, detail: string): void {
  viewer.sendMessage({ type: 'error', code: 'INVALID_MESSAGE', message: `${ERRORS.INVALID_MESSAGE.message} (${detail})` });
}
