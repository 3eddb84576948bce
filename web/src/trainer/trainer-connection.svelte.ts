/**
 * The trainer page's one socket (TRAINER_WS_PATH): the workshops, the followed dashboard, the
 * watched participant's terminal frames, history and explorer, take-overs. Reconnects with the
 * learner page's backoff; a FORBIDDEN refusal (no trainer cookie) stops and says so.
 */
import { Explorer } from '../lib/explorer.svelte';
import { localizedError, type Localized } from '../lib/i18n/catalog';
import { backoffDelay } from '../lib/reconnect';
import {
  decodeTerminalFrame,
  parseTrainerServerMessage,
  TRAINER_WS_PATH,
  type LocalizedText,
  type ServerMessage,
  type TrainerClientMessage,
  type TrainerServerMessage,
  type WorkshopSummary,
} from '../lib/protocol';

type Dashboard = Extract<TrainerServerMessage, { type: 'dashboard' }>;
type History = Extract<TrainerServerMessage, { type: 'participant-history' }>;

export class TrainerConnection {
  status = $state<'connecting' | 'open' | 'forbidden'>('connecting');
  workshops = $state.raw<WorkshopSummary[]>([]);
  lessons = $state.raw<Array<{ id: string; title: LocalizedText }>>([]);
  dashboard = $state.raw<Dashboard | undefined>();
  history = $state.raw<History | undefined>();
  watched = $state.raw<{ participant: string; channel: number; present: boolean } | undefined>();
  error = $state.raw<Localized | undefined>();
  /** The watched participant's explorer, read-only, fed with their `participant-explorer` updates. */
  readonly explorer: Explorer;
  /** The watched terminal's output, for the one view that shows it; `onReplay` clears it first. */
  onFrame: ((data: Uint8Array) => void) | undefined;
  onReplay: (() => void) | undefined;
  #socket: WebSocket | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;
  readonly #explorerFeed = new Set<(message: ServerMessage) => void>();

  constructor() {
    // No `send`: the trainer's panel asks the participant's session for nothing.
    this.explorer = new Explorer({
      onMessage: (listener) => {
        this.#explorerFeed.add(listener);
        return () => this.#explorerFeed.delete(listener);
      },
    });
    this.explorer.start();
  }

  start(): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${TRAINER_WS_PATH}`);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.onopen = () => {
      this.status = 'open';
      this.#attempt = 0;
      // A reconnect follows the same workshop and participant again.
      if (this.dashboard) this.send({ type: 'workshop-open', workshopId: this.dashboard.workshop.id });
      if (this.watched && this.dashboard) this.watch(this.dashboard.workshop.id, this.watched.participant, this.watched.channel);
    };
    socket.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) {
        const frame = decodeTerminalFrame(new Uint8Array(event.data));
        if (frame && frame.channel === this.watched?.channel) this.onFrame?.(frame.data);
        return;
      }
      const parsed = parseTrainerServerMessage(String(event.data));
      if (parsed.ok) this.#handle(parsed.message);
    };
    socket.onclose = () => {
      if (this.#disposed) return;
      // The upgrade was refused before it opened: without the trainer's cookie there is no point retrying.
      if (this.status === 'connecting' && this.#attempt >= 2) {
        this.status = 'forbidden';
        return;
      }
      this.status = 'connecting';
      this.#timer = setTimeout(() => this.start(), backoffDelay(this.#attempt++));
    };
  }

  send(message: TrainerClientMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  open(workshopId: string): void {
    this.watched = undefined;
    this.history = undefined;
    this.explorer.clear();
    this.send({ type: 'participant-unwatch' });
    this.send({ type: 'workshop-open', workshopId });
  }

  watch(workshopId: string, participant: string, channel = 0): void {
    this.watched = { participant, channel, present: false };
    // The server sends the participant's whole view first.
    this.explorer.clear();
    this.send({ type: 'participant-watch', workshopId, participant, channel });
  }

  unwatch(): void {
    this.watched = undefined;
    this.history = undefined;
    this.explorer.clear();
    this.send({ type: 'participant-unwatch' });
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
    this.explorer.dispose();
  }

  #handle(message: TrainerServerMessage): void {
    switch (message.type) {
      case 'trainer-welcome':
        this.workshops = message.workshops;
        this.lessons = message.lessons;
        return;
      case 'workshops':
        this.workshops = message.workshops;
        return;
      case 'dashboard':
        this.dashboard = message;
        return;
      case 'participant-terminal':
        if (this.watched?.participant !== message.participant) return;
        this.watched = { ...this.watched, present: message.event === 'attached' };
        this.onReplay?.();
        return;
      case 'participant-history':
        if (this.watched?.participant === message.participant) this.history = message;
        return;
      case 'participant-explorer':
        if (this.watched?.participant !== message.participant) return;
        // null: their session ended, and its explorer with it.
        if (!message.update) return this.explorer.clear();
        for (const listener of this.#explorerFeed) listener(message.update);
        return;
      case 'takeover':
        // The dashboard's next push shows it in the row as well.
        return;
      case 'trainer-error':
        this.error = localizedError(message.code, message.message);
        return;
    }
  }
}
