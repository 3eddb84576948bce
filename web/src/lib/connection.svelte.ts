/**
 * The one WebSocket to the server: control messages in and out, the session's nodes and their
 * terminal channels, terminal frames routed by channel, reconnection with backoff. Components read its runes state and call its methods;
 * nothing else touches the socket.
 */
import {
  decodeTerminalFrame,
  encodeTerminalFrame,
  MAX_CLIENT_FRAME_BYTES,
  parseServerMessage,
  WS_JOIN_PARAM,
  WS_PATH,
  type ClientMessage,
  type ErrorCode,
  type Locale,
  type NodeInfo,
  type ServerMessage,
} from './protocol';
import {
  backoffDelay,
  closeDecision,
  isStoppedState,
  sandboxStopScreen,
  type StopScreen,
  type StoppedState,
} from './reconnect';
import { localizedError } from './i18n/catalog';
import { sessionEnding, sessionExtended, withNotice, type Notice } from './notices';

export type Status = 'connecting' | 'starting' | 'ready' | 'reconnecting' | StoppedState;

/** A terminal's side of a channel. */
export interface TerminalSink {
  /** A shell is attached: reset the screen; its replay follows as data. */
  attached(): void;
  data(bytes: Uint8Array): void;
  exited(exitCode: number | null): void;
  /** The socket closed: bytes still being rendered belong to a finished connection. */
  detached(): void;
}

export type ShellState = 'attached' | 'exited' | 'restarting';

/** The learner socket; a join link's code lets a first-time participant's sandbox come from the workshop's reserved ones. */
export function learnerSocketUrl(joinCode?: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = joinCode === undefined ? '' : `?${new URLSearchParams({ [WS_JOIN_PARAM]: joinCode })}`;
  return `${scheme}//${location.host}${WS_PATH}${query}`;
}

export interface ConnectionOptions {
  /** The page's language, told to the server after each welcome. */
  locale: () => Locale;
  /** Asked at each (re)connection: a join link's code goes with the first one only, as the page leaves `/join/` once joined. */
  url?: () => string;
}

export class Connection {
  status = $state<Status>('connecting');
  /** Start-up progress, in the server's words (in the page's language once it has been told). */
  detail = $state<string | undefined>();
  /** Whether the sandbox starting is a reset one. */
  resetting = $state(false);
  /** Why the app is reconnecting, when the close said. */
  reconnectReason = $state<ErrorCode | undefined>();
  /** Set when the learner must act before anything else happens. */
  stopScreen = $state.raw<StopScreen | undefined>();
  notices = $state<Notice[]>([]);
  /** False when the server's engine runs sandboxes without user namespaces. */
  isolated = $state(true);
  shells = $state<Record<number, ShellState>>({});
  /** The session's nodes, one terminal channel each; undefined until the server lists them. */
  nodes = $state.raw<NodeInfo[] | undefined>();
  /** The most nodes the session may hold; undefined until the server lists the nodes. */
  maxNodes = $state<number | undefined>();

  #url: () => string;
  #locale: () => Locale;
  #socket: WebSocket | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sinks = new Map<number, TerminalSink>();
  #sizes = new Map<number, { cols: number; rows: number }>();
  #encoder = new TextEncoder();
  #nextNoticeId = 1;
  /** Features (the explorer) that read server messages of their own. */
  #listeners = new Set<(message: ServerMessage) => void>();
  #onOnline = () => {
    if (this.#timer !== undefined) this.#open();
  };

  constructor({ locale, url = () => learnerSocketUrl() }: ConnectionOptions) {
    this.#url = url;
    this.#locale = locale;
  }

  start(): void {
    window.addEventListener('online', this.#onOnline);
    this.#open();
  }

  dispose(): void {
    window.removeEventListener('online', this.#onOnline);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#drop(1000);
  }

  /** The learner's answer to a stop screen. */
  retry(): void {
    if (this.stopScreen?.action === 'reload') {
      location.reload();
      return;
    }
    this.#attempt = 0;
    this.status = 'connecting';
    this.#open();
  }

  /** Routes a channel's frames to `sink` until the returned function is called. */
  register(channel: number, sink: TerminalSink): () => void {
    this.#sinks.set(channel, sink);
    return () => {
      if (this.#sinks.get(channel) !== sink) return;
      this.#sinks.delete(channel);
      // Its terminal is gone (the node was removed): no size to send again on reconnection.
      this.#sizes.delete(channel);
    };
  }

  input(channel: number, data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? this.#encoder.encode(data) : data;
    // Large pastes go in several frames; the server joins them on the shell's input.
    const chunk = MAX_CLIENT_FRAME_BYTES - 1;
    for (let start = 0; start < bytes.byteLength; start += chunk) {
      this.#sendFrame(encodeTerminalFrame(channel, bytes.subarray(start, start + chunk)));
    }
  }

  resize(channel: number, cols: number, rows: number): void {
    this.#sizes.set(channel, { cols, rows });
    this.#send({ type: 'resize', channel, cols, rows });
  }

  ack(channel: number, bytes: number): void {
    this.#send({ type: 'ack', channel, bytes });
  }

  restartShell(channel: number): void {
    this.shells[channel] = 'restarting';
    this.#send({ type: 'restart-shell', channel });
  }

  /** Calls `listener` with every valid server message until the returned function is called. */
  onMessage(listener: (message: ServerMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends a feature's control message; dropped while disconnected. */
  send(message: ClientMessage): void {
    this.#send(message);
  }

  /** Tells the server the page's language (after a switch; each welcome is answered with it anyway). */
  sendLocale(): void {
    this.#send({ type: 'locale', locale: this.#locale() });
  }

  resetSandbox(): void {
    this.#send({ type: 'reset-sandbox' });
  }

  /** Starts the lowest-numbered node the session lacks; the next `nodes` message shows it. */
  addNode(): void {
    this.#send({ type: 'node-add' });
  }

  removeNode(node: string): void {
    this.#send({ type: 'node-remove', node });
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((notice) => notice.id !== id);
  }

  #open(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#drop(1000);
    this.stopScreen = undefined;

    const socket = new WebSocket(this.#url());
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.onopen = () => {
      for (const [channel, size] of this.#sizes) this.#send({ type: 'resize', channel, ...size });
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data === 'string') this.#receiveText(event.data);
      else this.#receiveFrame(new Uint8Array(event.data));
    };
    socket.onclose = (event) => {
      this.#socket = undefined;
      this.#closed(event.code);
    };
  }

  /** Closes the current socket without reacting to its close. */
  #drop(code: number): void {
    const socket = this.#socket;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.close(code);
    this.#socket = undefined;
    this.#detachAll();
  }

  #detachAll(): void {
    for (const sink of this.#sinks.values()) sink.detached();
    this.shells = {};
  }

  #closed(code: number): void {
    this.#detachAll();
    // The server already said what happened (expired, failed, full); its close adds nothing.
    if (this.stopScreen) return;
    const decision = closeDecision(code);
    if (decision.action === 'stop') {
      this.#stop(decision.screen);
      return;
    }
    this.status = 'reconnecting';
    this.reconnectReason = decision.reason;
    this.#timer = setTimeout(() => this.#open(), backoffDelay(this.#attempt++));
  }

  #stop(screen: StopScreen): void {
    this.stopScreen = screen;
    this.status = screen.state;
    this.detail = undefined;
    this.reconnectReason = undefined;
    this.notices = [];
  }

  #receiveText(text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) {
      // Unknown or malformed messages are skipped, so an older page survives a newer server.
      console.warn(`Slipway: ignored a server message (${parsed.error})`);
      return;
    }
    this.#handle(parsed.message);
  }

  #handle(message: ServerMessage): void {
    for (const listener of this.#listeners) listener(message);
    switch (message.type) {
      case 'welcome':
        this.isolated = message.isolated;
        // The server words its texts (progress, reasons, summaries) in the page's language from now on.
        this.sendLocale();
        return;
      case 'sandbox':
        if (isStoppedState(message.state)) {
          this.#stop(sandboxStopScreen(message.state, message.detail, message.reason));
        } else if (message.state === 'ready') {
          this.#ready();
        } else {
          this.status = 'starting';
          this.detail = message.detail;
          this.resetting = message.state === 'resetting';
        }
        return;
      case 'terminal': {
        const sink = this.#sinks.get(message.channel);
        if (message.event === 'attached') {
          this.shells[message.channel] = 'attached';
          // A shell can only attach inside a running sandbox.
          if (this.status !== 'ready' && !this.stopScreen) this.#ready();
          sink?.attached();
          const size = this.#sizes.get(message.channel);
          if (size) this.#send({ type: 'resize', channel: message.channel, ...size });
        } else {
          this.shells[message.channel] = 'exited';
          sink?.exited(message.exitCode ?? null);
        }
        return;
      }
      case 'nodes': {
        const channels = new Set(message.nodes.map((node) => node.channel));
        // A removed node's shell is gone with it; a node started again under its name attaches anew.
        for (const channel of Object.keys(this.shells).map(Number)) {
          if (!channels.has(channel)) delete this.shells[channel];
        }
        this.nodes = message.nodes;
        this.maxNodes = message.max;
        return;
      }
      case 'error':
        this.#notify({ code: message.code, text: localizedError(message.code, message.message), tone: 'error' });
        return;
      case 'notice':
        this.#notify({ code: message.code, text: localizedError(message.code, message.message), tone: 'info' });
        return;
      case 'session-ending':
        this.#notify({ code: 'SESSION_LIFETIME_ENDED', text: sessionEnding(message.inMs), tone: 'info' });
        return;
      case 'session-extended':
        // Replaces the warning, if there was one: the end it gave no longer holds.
        this.#notify({ code: 'SESSION_LIFETIME_ENDED', text: sessionExtended(message.endsAt), tone: 'info' });
        return;
    }
  }

  #notify(notice: Omit<Notice, 'id'>): void {
    this.notices = withNotice(this.notices, { id: this.#nextNoticeId++, ...notice });
  }

  #ready(): void {
    this.status = 'ready';
    this.detail = undefined;
    this.resetting = false;
    this.reconnectReason = undefined;
    this.#attempt = 0;
  }

  #receiveFrame(frame: Uint8Array): void {
    const decoded = decodeTerminalFrame(frame);
    if (!decoded) return;
    const sink = this.#sinks.get(decoded.channel);
    if (sink) sink.data(decoded.data);
    // Nobody shows this channel: acknowledge at once so its shell is never paused for it.
    else if (decoded.data.byteLength > 0) this.ack(decoded.channel, decoded.data.byteLength);
  }

  #send(message: ClientMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #sendFrame(frame: Uint8Array): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(frame);
  }
}
