/**
 * The explorer as a feature of a learner's session: it shows every ready node's engine state
 * (server/engine-state/) as it settles, measures what each command changed on its node, and
 * answers the panel's questions about one object (details, followed logs) on the node it
 * names, reading that node's engine directly. What it words is in the learner's language; the
 * details shown are sent again when the learner switches. A trainer watching the learner gets
 * the view and the diffs too (`watch`), never the details or logs, which the page asks for.
 */
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import type { CommandRecord } from '../checks/shell-integration';
import { translator, type Say } from '../common/i18n';
import type { Disposable } from '../common/disposable';
import { destroyStream } from '../engine-state/event-stream';
import { orNull } from '../engine-state/reads';
import type { EngineSnapshot } from '../engine-state/snapshot';
import { ERRORS, type ClientMessage, type ExplorerUpdate, type Locale, type ObjectKind, type ServerMessage } from '../protocol';
import { INNER_ENGINE_LIMITS, reportMisbehaviour } from '../session/bounded-engine';
import type { ServiceFactory, SessionContext, SessionNode, SessionService } from '../session/context';
import { Demuxer } from './demux';
import { detailsOf, missingDetails } from './details';
import { diffSnapshots, formatChanges } from './diff';
import { SnapshotHistory } from './history';
import { explorerView } from './view';

export const EXPLORER_IO = {
  /** Followed log output is sent at most this often… */
  LOG_BATCH_MS: 100,
  /** …and at most this much per batch; the rest of a flood is skipped, and said so. */
  LOG_BATCH_MAX_CHARS: 8 * 1024,
  /** Lines `docker logs --tail` shows first. */
  LOG_TAIL_LINES: 100,
} as const;

export const explorerService = (): ServiceFactory => (context) => new ExplorerService(context);

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export class ExplorerService implements SessionService {
  readonly #context: SessionContext;
  readonly #nodes = new Map<string, NodeExplorer>();
  readonly #subscriptions: Disposable[];
  /** Trainers watching the learner: they get every view and diff the page gets. */
  readonly #watchers = new Set<(update: ExplorerUpdate) => void>();
  #lastPublished = '';
  /** The object whose details the panel asked for last, worded again on a switch of language. */
  #shown: { node: string; kind: ObjectKind; id: string } | undefined;
  #logs: LogFollower | undefined;
  #disposed = false;

  constructor(context: SessionContext) {
    this.#context = context;
    this.#subscriptions = [
      context.onCommand((record) => this.#nodes.get(record.node)?.commandFinished(record)),
      context.onNodesChanged((nodes) => this.#track(nodes)),
      context.onLocaleChanged(() => this.#showAgain()),
    ];
    this.#track(context.nodes());
  }

  attached(): void {
    this.#lastPublished = '';
    this.#publish();
  }

  handle(message: ClientMessage): boolean {
    switch (message.type) {
      case 'explorer-details': {
        const explorer = this.#explorerOf(message.node);
        this.#shown = { node: message.node, kind: message.kind, id: message.id };
        if (explorer) void this.#details(explorer, message.kind, message.id);
        return true;
      }
      case 'logs-follow': {
        this.#logs?.stop();
        const explorer = this.#explorerOf(message.node);
        const say = () => translator(this.#context.locale());
        this.#logs = explorer && new LogFollower(explorer.node.engine, explorer.name, message.container, (m) => this.#send(m), say);
        return true;
      }
      case 'logs-stop':
        this.#logs?.stop();
        this.#logs = undefined;
        return true;
      default:
        return false;
    }
  }

  /** The whole view now (once a node is listed), then every view and diff the page gets. */
  watch(send: (update: ExplorerUpdate) => void): Disposable {
    // A wrapper, so that the same function watching twice is two watchers.
    const watcher = (update: ExplorerUpdate) => send(update);
    this.#watchers.add(watcher);
    const view = this.#view();
    if (view) send(view);
    return { dispose: () => void this.#watchers.delete(watcher) };
  }

  dispose(): void {
    this.#disposed = true;
    for (const subscription of this.#subscriptions) subscription.dispose();
    for (const explorer of this.#nodes.values()) explorer.dispose();
    this.#nodes.clear();
    this.#watchers.clear();
    this.#logs?.stop();
  }

  #send(message: ServerMessage): void {
    if (!this.#disposed) this.#context.send(message);
  }

  /** To the page and to every trainer watching. */
  #show(update: ExplorerUpdate): void {
    if (this.#disposed) return;
    this.#context.send(update);
    for (const watcher of this.#watchers) watcher(update);
  }

  /** Follows the session's ready nodes: explores new ones, forgets removed ones. */
  #track(nodes: readonly SessionNode[]): void {
    for (const [name, explorer] of this.#nodes) {
      if (nodes.includes(explorer.node)) continue;
      explorer.dispose();
      this.#nodes.delete(name);
      if (this.#logs?.node === name) this.#logs.stop();
    }
    for (const node of nodes) {
      if (this.#nodes.has(node.name)) continue;
      const host = { changed: () => this.#publish(), show: (update: ExplorerUpdate) => this.#show(update), locale: () => this.#context.locale() };
      this.#nodes.set(node.name, new NodeExplorer(node, host));
    }
    this.#publish();
  }

  #explorerOf(node: string): NodeExplorer | undefined {
    const explorer = this.#nodes.get(node);
    if (!explorer) this.#send({ type: 'error', code: 'NODE_NOT_FOUND', message: `${ERRORS.NODE_NOT_FOUND.message} (${node})` });
    return explorer;
  }

  /** Every node's view, node1 first; nodes not listed yet are left out until they are. */
  #view(): ExplorerUpdate | undefined {
    const listed = [...this.#nodes.values()].filter((explorer) => explorer.node.state.snapshot);
    if (listed.length === 0) return undefined;
    const view = explorerView(Object.fromEntries(listed.map((explorer) => [explorer.name, explorer.node.state.snapshot!])));
    return { type: 'explorer', view, live: listed.every((explorer) => explorer.node.state.live) };
  }

  /** The view, when it differs from the one shown last. */
  #publish(): void {
    const message = this.#view();
    if (!message) return;
    const text = JSON.stringify(message);
    if (text === this.#lastPublished) return;
    this.#lastPublished = text;
    this.#show(message);
  }

  async #details(explorer: NodeExplorer, kind: ObjectKind, id: string): Promise<void> {
    const node = explorer.name;
    try {
      const inspect = await orNull(inspectObject(explorer.node.engine, kind, id));
      const users = kind === 'volume' ? (explorer.node.state.snapshot?.volumes.find((v) => v.name === id)?.users ?? []) : [];
      const locale = this.#context.locale();
      this.#send({ type: 'details', details: inspect ? detailsOf(node, kind, id, inspect, locale, users) : missingDetails(node, kind, id, locale) });
    } catch (error) {
      this.#context.log(`explorer: inspect ${kind} ${id} on ${node} failed (${(error as Error).message})`);
      this.#send({ type: 'details', details: missingDetails(node, kind, id, this.#context.locale()) });
    }
  }

  #showAgain(): void {
    const explorer = this.#shown && this.#nodes.get(this.#shown.node);
    if (explorer) void this.#details(explorer, this.#shown!.kind, this.#shown!.id);
  }
}

interface NodeExplorerHost {
  /** The node's view changed: its state settled on something new, or went live or not. */
  changed(): void;
  /** What a command changed, to the page and its watchers. */
  show(update: ExplorerUpdate): void;
  /** The learner's language, for what a command changed. */
  locale(): Locale;
}

/** One node's explorer: the history of its settled states, and what each command changed. */
class NodeExplorer {
  readonly #host: NodeExplorerHost;
  readonly #history = new SnapshotHistory();
  readonly #subscriptions: Disposable[];
  #pendingCommands: CommandRecord[] = [];
  /** Counts the commands finished, so that only the newest one's wait diffs. */
  #commands = 0;
  #disposed = false;

  constructor(
    readonly node: SessionNode,
    host: NodeExplorerHost,
  ) {
    this.#host = host;
    const { state } = node;
    if (state.snapshot) this.#history.record(Date.now(), state.snapshot);
    this.#subscriptions = [
      state.onSettled(({ snapshot }) => {
        this.#history.record(Date.now(), snapshot);
        host.changed();
      }),
      state.onLive(() => host.changed()),
    ];
  }

  get name(): string {
    return this.node.name;
  }

  /** Once the node's state has settled after the command, says what it changed. */
  commandFinished(record: CommandRecord): void {
    this.#pendingCommands.push(record);
    const command = ++this.#commands;
    void this.node.state.settled().then((after) => {
      // A later command's wait covers this one's: commands typed in quick succession make one diff.
      if (after && command === this.#commands && !this.#disposed) this.#diffCommands(after);
    });
  }

  dispose(): void {
    this.#disposed = true;
    for (const subscription of this.#subscriptions) subscription.dispose();
  }

  /** One diff from before the first pending command to `after`. */
  #diffCommands(after: EngineSnapshot): void {
    const pending = this.#pendingCommands;
    this.#pendingCommands = [];
    const before = this.#history.before(Math.min(...pending.map((r) => r.startedAt)));
    if (!before) return;
    const locale = this.#host.locale();
    const changes = diffSnapshots(before, after, locale);
    if (changes.length === 0) return;
    this.#host.show({ type: 'explorer-diff', node: this.name, changes, summary: formatChanges(changes, locale) });
    // The next command's changes are measured from here.
    this.#history.record(Date.now(), after);
  }
}

function inspectObject(engine: Docker, kind: ObjectKind, id: string): Promise<unknown> {
  switch (kind) {
    case 'container':
      return engine.getContainer(id).inspect();
    case 'image':
      return engine.getImage(id).inspect();
    case 'network':
      return engine.getNetwork(id).inspect();
    case 'volume':
      return engine.getVolume(id).inspect();
    case 'service':
      return engine.getService(id).inspect();
  }
}

/**
 * `docker logs --tail 100 -f` for one container, sent in bounded batches: at most
 * LOG_BATCH_MAX_CHARS every LOG_BATCH_MS, so a container printing without pause cannot
 * flood the learner's socket.
 */
class LogFollower {
  #stream: NodeJS.ReadableStream | undefined;
  #stopped = false;
  #buffer = '';
  #skipped = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly engine: Docker,
    readonly node: string,
    private readonly container: string,
    private readonly send: (message: ServerMessage) => void,
    /** Words Slipway's own notes among the output, in the learner's language then. */
    private readonly say: () => Say,
  ) {
    void this.#start();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#stream) destroyStream(this.#stream);
    this.#stream = undefined;
  }

  async #start(): Promise<void> {
    try {
      const container = this.engine.getContainer(this.container);
      const info = await container.inspect();
      const stream = (await container.logs({
        follow: true,
        stdout: true,
        stderr: true,
        tail: EXPLORER_IO.LOG_TAIL_LINES,
      })) as unknown as NodeJS.ReadableStream;
      if (this.#stopped) {
        destroyStream(stream);
        return;
      }
      this.#stream = stream;
      const decoder = new StringDecoder('utf8');
      // Without a TTY the engine multiplexes stdout and stderr with 8-byte frame headers.
      const demuxer = info.Config.Tty ? null : new Demuxer(INNER_ENGINE_LIMITS.MAX_LOG_FRAME_BYTES);
      stream.on('data', (chunk: Buffer) => {
        try {
          for (const payload of demuxer ? demuxer.push(chunk) : [chunk]) this.#push(decoder.write(payload));
        } catch (error) {
          reportMisbehaviour(this.engine, (error as Error).message);
          this.#push(`\n${this.say()('logs.engineStopped', { error: (error as Error).message })}\n`);
          this.#end();
        }
      });
      stream.on('end', () => this.#end());
      stream.on('close', () => this.#end());
      stream.on('error', () => this.#end());
    } catch (error) {
      if (this.#stopped) return;
      const say = this.say();
      this.#push(`${statusOf(error) === 404 ? say('logs.noContainer') : say('logs.unreadable', { error: (error as Error).message })}\n`);
      this.#end();
    }
  }

  #push(text: string): void {
    if (this.#stopped || !text) return;
    const room = EXPLORER_IO.LOG_BATCH_MAX_CHARS - this.#buffer.length;
    if (text.length > room) {
      this.#buffer += text.slice(0, Math.max(0, room));
      this.#skipped += text.length - Math.max(0, room);
    } else {
      this.#buffer += text;
    }
    this.#timer ??= setTimeout(() => this.#flush(false), EXPLORER_IO.LOG_BATCH_MS);
  }

  #flush(ended: boolean): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    let data = this.#buffer;
    if (this.#skipped > 0) data += `\n${this.say()('logs.skipped', { count: this.#skipped })}\n`;
    this.#buffer = '';
    this.#skipped = 0;
    if (data || ended) this.send({ type: 'logs', node: this.node, container: this.container, data, ...(ended ? { ended } : {}) });
  }

  #end(): void {
    if (this.#stopped) return;
    this.#flush(true);
    this.stop();
  }
}

