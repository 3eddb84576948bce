/**
 * The terminal's tabs, one per node of the session: which one is shown, adding and removing
 * nodes, and whether a command can run on a node now. The nodes themselves are the
 * Connection's (the server's `nodes` message).
 */
import type { Connection } from './connection.svelte';
import type { Messages } from './i18n/catalog';
import { addNodeBlocked, nextNode, nodeTabs, runState, shownNode, tabBefore, type RunState } from './nodes';
import { FIRST_NODE } from './protocol';

export class NodeTabs {
  /** The node the learner chose; until it exists (a node just added), `#previous` stays shown. */
  selected = $state(FIRST_NODE);
  #previous = $state(FIRST_NODE);

  // Functions, read once the constructor has set `connection`.
  readonly #ready = $derived.by(() => this.connection.status === 'ready');
  readonly tabs = $derived.by(() => nodeTabs(this.connection.nodes, this.#ready));
  readonly shown = $derived(shownNode(this.tabs, [this.selected, this.#previous]));
  /** Why "+ Add node" does nothing now, or undefined when it adds one. */
  readonly addBlocked = $derived.by(() => addNodeBlocked(this.tabs, this.connection.maxNodes, this.#ready, this.t()));

  /** `t` is the page's catalog, read where the reasons are worded. */
  constructor(
    private readonly connection: Connection,
    private readonly t: () => Messages,
  ) {}

  select(node: string): void {
    this.#previous = this.shown;
    this.selected = node;
  }

  /** Starts the next node and shows its tab once the server lists it. */
  add(): void {
    const next = nextNode(this.tabs, this.connection.maxNodes ?? 0);
    if (this.addBlocked !== undefined || !next) return;
    this.select(next);
    this.connection.addNode();
  }

  remove(node: string): void {
    if (node === this.shown) this.select(tabBefore(this.tabs, node));
    this.connection.removeNode(node);
  }

  /** Whether a command can be typed into `node`'s shell now; reactive where it is read. */
  runState(node: string): RunState {
    return runState(node, this.tabs, this.connection.shells, this.#ready, this.t());
  }
}
