/**
 * One learner's live session: their nodes (node1, and any a lesson or the learner added),
 * each with a shell (with shell integration), a client of its inner engine and that engine's
 * state, and the features built on them. It outlives page connections: a page attaches and
 * detaches; reset, expiry and shutdown dispose it.
 */
import type Docker from 'dockerode';
import { OSC_SHELL_INTEGRATION, ShellIntegrationParser, type CommandRecord } from '../checks/shell-integration';
import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { translator } from '../common/i18n';
import { EngineStates } from '../engine-state/session-states';
import {
  ERRORS,
  FIRST_NODE,
  errorCodeOf,
  formatSize,
  SlipwayError,
  nodeChannel,
  nodeIndex,
  nodeName,
  type ClientMessage,
  type ErrorCode,
  type ExplorerUpdate,
  type Locale,
  type NodeInfo,
  type NodeState,
  type ServerMessage,
} from '../protocol';
import { nextNodeName } from '../sandbox/policy';
import type { Sandbox } from '../sandbox/manager';
import { newShellNonce, startNodeShell, type ParkedShell } from '../terminal/node-shell';
import { TerminalChannel, type TerminalSize, type Viewer } from '../terminal/terminal-channel';
import type { ServiceFactory, SessionContext, SessionNode, SessionService } from './context';
import { innerEngine, sandboxAddress } from './inner-engine';
import { execInSandbox } from './sandbox-exec';

/** Enough history for any lesson; older commands are dropped first. */
const MAX_HISTORY = 500;

/** Starts and removes the session's nodes; the sandbox manager, bound to one learner. */
export interface NodeProvider {
  add(name: string): Promise<Sandbox>;
  remove(name: string): Promise<void>;
  /** The shell started ahead in a node, which the session then owns. */
  takeShell?(sandbox: Sandbox): ParkedShell | undefined;
}

export interface LearnerSessionOptions {
  learner: string;
  /** The nodes the session has now, node1 among them. */
  nodes: readonly Sandbox[];
  provider: NodeProvider;
  maxNodes: number;
  size: TerminalSize;
  services: readonly ServiceFactory[];
  /** The learner's language when the session opens (`setLocale` changes it). */
  locale: Locale;
  log: (line: string) => void;
}

/** A trainer's read-only view of the session's features: its subscriptions, and what to tell when the session ends. */
interface Watch {
  subscriptions: Disposable[];
  ended: () => void;
}

interface NodeEntry {
  state: NodeState;
  /** Why it failed. */
  failure?: ErrorCode;
  /** Set while ready. */
  ready?: { node: SessionNode; terminal: TerminalChannel };
  /** The start under way, which removal waits for. */
  starting?: Promise<void>;
  /** What the node's engine did wrong, once it broke a limit. */
  degraded?: string;
}

export class LearnerSession {
  readonly learner: string;
  readonly #options: LearnerSessionOptions;
  readonly #nodes = new Map<string, NodeEntry>();
  readonly #services: SessionService[];
  readonly #commands = new Emitter<CommandRecord>();
  readonly #nodesChanged = new Emitter<readonly SessionNode[]>();
  readonly #localeChanged = new Emitter<Locale>();
  readonly #history: CommandRecord[] = [];
  readonly #subscriptions = new Map<string, Disposable>();
  readonly #states: EngineStates;
  readonly #watches = new Set<Watch>();
  #size: TerminalSize;
  #locale: Locale;
  #viewer: Viewer | null = null;
  #disposed = false;

  /** Resolves each node's engine address first, so features start with every node reachable. */
  static async open(options: LearnerSessionOptions): Promise<LearnerSession> {
    // The engines are made before the session is; their reports reach it once it exists.
    let session: LearnerSession | undefined;
    const engines = await Promise.all(
      options.nodes.map(async (sandbox) => ({ sandbox, engine: await nodeEngine(sandbox, (reason) => session && session.#degrade(sandbox.node, reason)) })),
    );
    session = new LearnerSession(options, engines);
    return session;
  }

  private constructor(options: LearnerSessionOptions, engines: readonly { sandbox: Sandbox; engine: Docker }[]) {
    this.learner = options.learner;
    this.#options = options;
    this.#size = options.size;
    this.#locale = options.locale;
    this.#states = new EngineStates({ log: options.log });
    for (const { sandbox, engine } of engines) {
      const node = this.#sessionNode(sandbox, engine);
      this.#nodes.set(node.name, { state: 'ready', ready: { node, terminal: this.#openShell(node) } });
    }
    const context: SessionContext = {
      learner: this.learner,
      nodes: () => this.#readyNodes(),
      node: (name) => this.node(name),
      onNodesChanged: (listener) => this.#nodesChanged.event(listener),
      onEngineSettled: (listener) => this.#states.onSettled(listener),
      ensureNodes: (count) => this.ensureNodes(count),
      send: (message) => this.#send(message),
      locale: () => this.#locale,
      onLocaleChanged: (listener) => this.#localeChanged.event(listener),
      onCommand: (listener) => this.#commands.event(listener),
      history: this.#history,
      log: options.log,
    };
    this.#services = options.services.map((create) => create(context));
  }

  async attach(viewer: Viewer): Promise<void> {
    this.#viewer = viewer;
    this.#sendNodes();
    for (const service of this.#services) service.attached();
    await Promise.all(this.#terminals().map((terminal) => terminal.attach(viewer)));
  }

  detach(viewer: Viewer): void {
    if (this.#viewer === viewer) this.#viewer = null;
    for (const terminal of this.#terminals()) terminal.detach(viewer);
  }

  terminal(channel: number): TerminalChannel | undefined {
    return this.#nodes.get(nodeName(channel + 1))?.ready?.terminal;
  }

  node(name: string): SessionNode | undefined {
    return this.#nodes.get(name)?.ready?.node;
  }

  /**
   * A trainer watches the learner's features (the explorer): `send` gets what the page shows,
   * now and on every update, until disposed or the session ends, which calls `ended` once.
   */
  watch(send: (update: ExplorerUpdate) => void, ended: () => void): Disposable {
    const watch: Watch = { subscriptions: this.#services.flatMap((service) => service.watch?.(send) ?? []), ended };
    this.#watches.add(watch);
    return { dispose: () => this.#unwatch(watch) };
  }

  /** New nodes' shells start at the size the learner's terminals have. */
  resize(channel: number, cols: number, rows: number): void {
    this.#size = { cols, rows };
    this.terminal(channel)?.resize(cols, rows);
  }

  /** The learner switched language: the nodes and every feature word their texts in it from now on. */
  setLocale(locale: Locale): void {
    if (locale === this.#locale || this.#disposed) return;
    this.#locale = locale;
    this.#sendNodes();
    this.#localeChanged.fire(locale);
  }

  /** Commands the learner ran in the session (kept up to MAX_HISTORY). */
  commandsRun(): number {
    return this.#history.length;
  }

  /** Offers a message to each feature; false when none of them took it. */
  handle(message: ClientMessage): boolean {
    return this.#services.some((service) => service.handle(message));
  }

  /** Starts node1 .. node<count> where missing (or failed); resolves once all are ready. */
  async ensureNodes(count: number): Promise<void> {
    const wanted = Math.min(count, this.#options.maxNodes);
    const starts: Promise<void>[] = [];
    for (let index = 1; index <= wanted; index += 1) {
      const name = nodeName(index);
      const entry = this.#nodes.get(name);
      if (entry?.starting) starts.push(entry.starting);
      else if (!entry || entry.state === 'failed') starts.push(this.#start(name));
    }
    await Promise.all(starts);
    if (count > wanted) throw new SlipwayError('NODE_LIMIT_REACHED', `this needs ${count} nodes; Slipway allows ${wanted} (SLIPWAY_MAX_NODES)`);
  }

  /** Starts the lowest-numbered node the session lacks. */
  addNode(): Promise<void> {
    const held = [...this.#nodes].filter(([, entry]) => entry.state !== 'failed').map(([name]) => name);
    const name = nextNodeName(held, this.#options.maxNodes);
    if (!name) return Promise.reject(new SlipwayError('NODE_LIMIT_REACHED', `at most ${this.#options.maxNodes}`));
    return this.#start(name);
  }

  async removeNode(name: string): Promise<void> {
    const entry = this.#nodes.get(name);
    if (!entry || name === FIRST_NODE || entry.state === 'removing') throw new SlipwayError('NODE_NOT_FOUND', name);
    entry.state = 'removing';
    this.#sendNodes();
    // A start under way finishes first (without becoming ready), so its container is removed too.
    await entry.starting?.catch(() => undefined);
    const wasReady = entry.ready !== undefined;
    this.#closeNode(name, entry);
    if (wasReady) this.#nodesChanged.fire(this.#readyNodes());
    try {
      if (!this.#disposed) await this.#options.provider.remove(name);
    } catch (error) {
      // Already gone (failed to start, or removed by a reset) is what was asked for.
      if (!(error instanceof SlipwayError && error.code === 'NODE_NOT_FOUND')) throw error;
    } finally {
      this.#nodes.delete(name);
      this.#sendNodes();
    }
  }

  dispose(): void {
    this.#disposed = true;
    for (const watch of [...this.#watches]) {
      this.#unwatch(watch);
      watch.ended();
    }
    for (const service of this.#services) service.dispose();
    for (const [name, entry] of this.#nodes) this.#closeNode(name, entry);
    this.#nodes.clear();
    this.#states.dispose();
    this.#commands.dispose();
    this.#nodesChanged.dispose();
    this.#localeChanged.dispose();
    this.#viewer = null;
  }

  #unwatch(watch: Watch): void {
    if (!this.#watches.delete(watch)) return;
    for (const subscription of watch.subscriptions) subscription.dispose();
  }

  #start(name: string): Promise<void> {
    const entry: NodeEntry = { state: 'starting' };
    this.#nodes.set(name, entry);
    this.#sendNodes();
    entry.starting = this.#options.provider
      .add(name)
      .then(async (sandbox) => ({ sandbox, engine: await nodeEngine(sandbox, (reason) => this.#degrade(name, reason)) }))
      .then(
        ({ sandbox, engine }) => {
          if (this.#disposed || this.#nodes.get(name) !== entry || entry.state === 'removing') return;
          const node = this.#sessionNode(sandbox, engine);
          const terminal = this.#openShell(node);
          entry.ready = { node, terminal };
          entry.state = 'ready';
          if (this.#viewer) void terminal.attach(this.#viewer);
          this.#nodesChanged.fire(this.#readyNodes());
        },
        (error: Error) => {
          this.#options.log(`learner ${this.learner.slice(0, 8)}: could not start ${name}: ${error.message}`);
          if (entry.state !== 'removing') entry.state = 'failed';
          entry.failure = errorCodeOf(error);
          throw error;
        },
      )
      .finally(() => {
        entry.starting = undefined;
        if (!this.#disposed) this.#sendNodes();
      });
    return entry.starting;
  }

  /** The node's engine broke a limit: the page says so; the session and server go on. */
  #degrade(name: string, reason: string): void {
    const entry = this.#nodes.get(name);
    if (!entry || this.#disposed || entry.degraded === reason) return;
    this.#options.log(`learner ${this.learner.slice(0, 8)}: ${name}'s engine misbehaved: ${reason}`);
    entry.degraded = reason;
    this.#sendNodes();
  }

  #closeNode(name: string, entry: NodeEntry): void {
    entry.ready?.terminal.dispose();
    entry.ready = undefined;
    this.#states.close(name);
    this.#subscriptions.get(name)?.dispose();
    this.#subscriptions.delete(name);
  }

  #readyNodes(): SessionNode[] {
    return this.#sorted()
      .map(([, entry]) => entry.ready?.node)
      .filter((node) => node !== undefined);
  }

  #terminals(): TerminalChannel[] {
    return this.#sorted()
      .map(([, entry]) => entry.ready?.terminal)
      .filter((terminal) => terminal !== undefined);
  }

  #sorted(): Array<[string, NodeEntry]> {
    return [...this.#nodes].sort(([a], [b]) => nodeIndex(a) - nodeIndex(b));
  }

  #sendNodes(): void {
    const say = translator(this.#locale);
    const nodes: NodeInfo[] = this.#sorted().map(([name, entry]) => ({
      name,
      channel: nodeChannel(name),
      state: entry.state,
      ...(entry.failure && entry.state === 'failed' ? { detail: ERRORS[entry.failure].message, reason: entry.failure } : {}),
      ...(entry.degraded ? { degraded: say('node.degraded', { reason: entry.degraded }) } : {}),
    }));
    this.#send({ type: 'nodes', nodes, max: this.#options.maxNodes });
  }

  #send(message: ServerMessage): void {
    this.#viewer?.sendMessage(message);
  }

  #openShell(node: SessionNode): TerminalChannel {
    let parked = this.#options.provider.takeShell?.(node.sandbox);
    // Restarts start their shells with the same secret as the first.
    const nonce = parked?.nonce ?? newShellNonce();
    const terminal = new TerminalChannel({
      channel: nodeChannel(node.name),
      node: node.name,
      size: this.#size,
      openShell: async (shellSize) => {
        const ahead = parked;
        parked = undefined;
        const process = await ahead?.process.catch(() => undefined);
        if (process && !ahead!.ended()) {
          void process.resize(shellSize.cols, shellSize.rows).catch(() => undefined);
          return process;
        }
        process?.dispose();
        return startNodeShell(node.sandbox.container, shellSize, nonce);
      },
      log: this.#options.log,
      waitForPrompt: true,
      skippedNote: (bytes) => translator(this.#locale)('terminal.skippedAfterInterrupt', { size: formatSize(bytes) }),
    });
    const parser = new ShellIntegrationParser({
      nonce,
      node: node.name,
      onPrompt: () => terminal.promptShown(),
      onCommand: (record) => {
        // What no event reports (swarm membership) is read again before features judge the command.
        node.state.recheck();
        this.#history.push(record);
        if (this.#history.length > MAX_HISTORY) this.#history.shift();
        this.#commands.fire(record);
      },
    });
    this.#subscriptions.set(node.name, terminal.parser.registerOscHandler(OSC_SHELL_INTEGRATION, (data) => parser.handle(data)));
    return terminal;
  }

  /** A ready node; its engine state is released with it (`#closeNode`). */
  #sessionNode(sandbox: Sandbox, engine: Docker): SessionNode {
    return {
      name: sandbox.node,
      sandbox,
      engine,
      state: this.#states.open(sandbox.node, engine),
      exec: (script, timeoutMs) => execInSandbox(sandbox.container, script, timeoutMs),
    };
  }
}

async function nodeEngine(sandbox: Sandbox, onMisbehaviour: (reason: string) => void): Promise<Docker> {
  return innerEngine(await sandboxAddress(sandbox), onMisbehaviour);
}
