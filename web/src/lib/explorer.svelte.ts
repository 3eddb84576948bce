/**
 * The explorer panel's state: the latest view of the learner's engines, what the last
 * command changed, the selected object's details and its followed logs. Fed by server
 * messages through its link (the learner's Connection); asks for details and logs through it.
 * A link that cannot send makes it read-only (the trainer's view of a participant's explorer).
 */
import type { Change, ChangeKind } from './explorer-model';
import type { ClientMessage, DetailsView, ExplorerView, ObjectKind, ServerMessage } from './protocol';

/** The most log text kept for the details pane; older text is dropped first. */
export const LOG_KEEP_CHARS = 64 * 1024;

/** Where the panel's messages come from and, unless it is read-only, where its requests go. */
export interface ExplorerLink {
  onMessage(listener: (message: ServerMessage) => void): () => void;
  /** Absent for a read-only panel: nothing can be selected, so nothing is asked. */
  send?: (message: ClientMessage) => void;
}

export interface Selection {
  node: string;
  kind: ObjectKind;
  id: string;
}

export class Explorer {
  view = $state.raw<ExplorerView | undefined>();
  live = $state(false);
  /** What the last command changed, by kind and name; highlighted in the lists and graph. */
  lastChanges = $state.raw<Change[]>([]);
  lastSummary = $state<string | undefined>();
  selection = $state.raw<Selection | undefined>();
  details = $state.raw<DetailsView | undefined>();
  logs = $state('');
  logsEnded = $state(false);

  /** Shown only: no details, logs or port links (the trainer's view of a participant's). */
  readonly readOnly: boolean;
  #link: ExplorerLink;
  #unsubscribe: (() => void) | undefined;

  constructor(link: ExplorerLink) {
    this.#link = link;
    this.readOnly = !link.send;
  }

  start(): void {
    this.#unsubscribe = this.#link.onMessage((message) => this.#handle(message));
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** How the last command touched an object: '+', '~', '-' or undefined. */
  changeOf(kind: ChangeKind, name: string): Change['op'] | undefined {
    return this.lastChanges.find((change) => change.kind === kind && change.name === name)?.op;
  }

  select(selection: Selection): void {
    const send = this.#link.send;
    if (!send) return;
    this.selection = selection;
    this.details = undefined;
    this.logs = '';
    this.logsEnded = false;
    send({ type: 'explorer-details', ...selection });
    if (selection.kind === 'container') send({ type: 'logs-follow', node: selection.node, container: selection.id });
    else send({ type: 'logs-stop' });
  }

  close(): void {
    if (this.selection?.kind === 'container') this.#link.send?.({ type: 'logs-stop' });
    this.selection = undefined;
    this.details = undefined;
    this.logs = '';
  }

  /** Nothing to show until the next `explorer` message: a new sandbox, or another participant watched. */
  clear(): void {
    this.view = undefined;
    this.lastChanges = [];
    this.lastSummary = undefined;
    this.selection = undefined;
  }

  #handle(message: ServerMessage): void {
    switch (message.type) {
      case 'explorer':
        this.view = message.view;
        this.live = message.live;
        return;
      case 'explorer-diff':
        this.lastChanges = message.changes;
        this.lastSummary = message.summary;
        return;
      case 'details': {
        const { details } = message;
        const selection = this.selection;
        if (selection && details.node === selection.node && details.kind === selection.kind && details.id === selection.id) this.details = details;
        return;
      }
      case 'logs':
        if (this.selection?.kind !== 'container' || message.node !== this.selection.node || message.container !== this.selection.id) return;
        this.logs = (this.logs + message.data).slice(-LOG_KEEP_CHARS);
        if (message.ended) this.logsEnded = true;
        return;
      case 'sandbox':
        // A reset sandbox starts empty; its first `explorer` message fills the panel again.
        if (message.state !== 'ready') this.clear();
        return;
      default:
        return;
    }
  }
}
