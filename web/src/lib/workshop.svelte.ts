/**
 * The learner's side of a workshop: joining (by link or code), the workshop they are in, the
 * trainer's banner, their raised hand and a take-over's state. Reads the connection's
 * messages and sends through it; the components only read this state and call its methods.
 */
import type { Connection } from './connection.svelte';
import { localizedError, type Localized } from './i18n/catalog';
import { JOIN_PATH, type TakeoverState, type WorkshopInfo } from './protocol';

const JOIN_ERRORS = new Set(['WORKSHOP_NOT_FOUND', 'WORKSHOP_FULL', 'WORKSHOP_REMOVED', 'RATE_LIMITED']);

export class Workshop {
  info = $state.raw<WorkshopInfo | undefined>();
  /** Set on joining: the page tells the learner the trainer can see their terminal. */
  justJoined = $state(false);
  banner = $state<string | undefined>();
  hand = $state(false);
  takeover = $state<TakeoverState | undefined>();
  joinError = $state.raw<Localized | undefined>();
  joining = $state(false);
  readonly #connection: Connection;
  readonly #unsubscribe: () => void;

  /** `onjoined` gets the workshop's first lesson, where the participant lands. */
  constructor(connection: Connection, onjoined: (firstLesson: string) => void) {
    this.#connection = connection;
    this.#unsubscribe = connection.onMessage((message) => {
      switch (message.type) {
        case 'welcome':
          // A new connection: the server says again (right after this) whether the learner is
          // in a workshop; one that ended or removed them says nothing.
          this.info = undefined;
          this.hand = false;
          this.takeover = undefined;
          return;
        case 'workshop':
          this.info = message.workshop;
          this.banner = message.workshop.banner;
          if (message.joined) {
            this.justJoined = true;
            this.joining = false;
            this.joinError = undefined;
            const first = message.workshop.lessons[0];
            if (first) onjoined(first);
            if (location.pathname.startsWith(`${JOIN_PATH}/`)) history.replaceState(null, '', '/');
          }
          return;
        case 'broadcast':
          this.banner = message.text;
          return;
        case 'help':
          this.hand = message.raised;
          return;
        case 'takeover':
          this.takeover = message.state === 'ended' ? undefined : message.state;
          return;
        case 'error':
          if (this.joining && JOIN_ERRORS.has(message.code)) {
            this.joinError = localizedError(message.code, message.message);
            this.joining = false;
          }
          return;
      }
    });
  }

  /** The code of a join link (`/join/K7QM-4WXT`), if the page was opened by one. */
  static linkCode(): string | undefined {
    const match = new RegExp(`^${JOIN_PATH}/([^/]+)$`).exec(location.pathname);
    return match ? decodeURIComponent(match[1]!) : undefined;
  }

  join(code: string, name: string): void {
    this.joining = true;
    this.joinError = undefined;
    this.#connection.send({ type: 'workshop-join', code, name });
  }

  raiseHand(raised: boolean): void {
    this.#connection.send({ type: 'help-request', raised });
  }

  answerTakeover(accept: boolean): void {
    this.#connection.send({ type: 'takeover-answer', accept });
  }

  endTakeover(): void {
    this.#connection.send({ type: 'takeover-end' });
  }

  dispose(): void {
    this.#unsubscribe();
  }
}
