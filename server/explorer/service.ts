/**
 * The explorer as a feature of a learner's session: the I/O half of `ExplorerState`, one
 * per node. Each node's explorer follows its inner engine's `/events`, lists, re-reads what
 * events touch and measures what each command on that node changed; the service publishes
 * every node's view when one settles and answers the panel's questions about one object
 * (details, followed logs) on the node it names. No polling loop: the engines' events drive
 * everything (see state.ts for the one exception, a converging swarm service).
 */
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import type { CommandRecord } from '../checks/shell-integration';
import { collectSnapshot } from '../checks/collect';
import { snapshotFromEngine } from '../checks/engine';
import type { EngineSnapshot } from '../checks/snapshot';
import { ERRORS, type ClientMessage, type ObjectKind, type ServerMessage } from '../protocol';
import { INNER_ENGINE_LIMITS, reportMisbehaviour } from '../session/bounded-engine';
import type { ServiceFactory, SessionContext, SessionNode, SessionService } from '../session/context';
import type { Disposable } from '../common/disposable';
import { systemClock, type Cancel, type Clock } from '../common/clock';
import { Demuxer } from './demux';
import { detailsOf, missingDetails } from './details';
import { diffSnapshots, formatChanges } from './diff';
import { engineTimeNano, targetsOf, type EngineEvent, type Target } from './events';
import { destroyStream, followEngineEvents } from './follow-events';
import { SnapshotHistory } from './history';
import { ExplorerState, type ExplorerCommand, type RefreshCommand, type RefreshResult } from './state';
import { explorerView } from './view';

export const EXPLORER_IO = {
  /**
   * Waits before re-subscribing after the event stream broke, by attempt; the last repeats.
   * Short at first: a new sandbox's engine starts listening a second or two after the session.
   */
  RESUBSCRIBE_BACKOFF_MS: [200, 200, 300, 500, 1000, 2000, 5000],
  /** After a command finishes, its last events may still be on their way for this long. */
  COMMAND_GRACE_MS: 150,
  /** Followed log output is sent at most this often… */
  LOG_BATCH_MS: 100,
  /** …and at most this much per batch; the rest of a flood is skipped, and said so. */
  LOG_BATCH_MAX_CHARS: 8 * 1024,
  /** Lines `docker logs --tail` shows first. */
  LOG_TAIL_LINES: 100,
} as const;

export function explorerService(clock: Clock = systemClock): ServiceFactory {
  return (context) => new ExplorerService(context, clock);
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** Null when the engine says the object does not exist; other errors go on. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

const EMPTY = { containers: [], images: [], networks: [], volumes: { Volumes: [] } };

/** Re-reads one object the way `collectSnapshot` reads all of them. */
export async function readTarget(engine: Docker, target: Target): Promise<RefreshResult> {
  switch (target.what) {
    case 'container': {
      const summaries = await engine.listContainers({ all: true, filters: { id: [target.id] } });
      const summary = summaries.find((c) => c.Id === target.id);
      const detail = summary ? await orNull(engine.getContainer(target.id).inspect()) : null;
      if (!summary || !detail) return { what: 'container', id: target.id, info: null };
      const snapshot = snapshotFromEngine({ ...EMPTY, containers: [summary], containerDetails: [detail] });
      return { what: 'container', id: target.id, info: snapshot.containers[0] ?? null };
    }
    case 'network': {
      const raw: unknown = await orNull(engine.getNetwork(target.id).inspect());
      const info = raw ? (snapshotFromEngine({ ...EMPTY, networks: [raw] }).networks[0] ?? null) : null;
      return { what: 'network', id: target.id, info };
    }
    case 'volume': {
      const raw: unknown = await orNull(engine.getVolume(target.id).inspect());
      const info = raw ? (snapshotFromEngine({ ...EMPTY, volumes: { Volumes: [raw] } }).volumes[0] ?? null) : null;
      return { what: 'volume', id: target.id, info };
    }
    case 'images': {
      const images = await engine.listImages();
      const details = await Promise.all(images.map((image) => orNull(engine.getImage(image.Id).inspect())));
      const snapshot = snapshotFromEngine({ ...EMPTY, images, imageDetails: details.filter((d) => d !== null) });
      return { what: 'images', images: snapshot.images };
    }
    case 'swarm':
      return { what: 'swarm', swarm: (await collectSnapshot(engine)).swarm };
  }
}

export class ExplorerService implements SessionService {
  readonly #context: SessionContext;
  readonly #clock: Clock;
  readonly #nodes = new Map<string, NodeExplorer>();
  readonly #subscriptions: Disposable[];
  #lastPublished = '';
  #logs: LogFollower | undefined;
  #disposed = false;

  constructor(context: SessionContext, clock: Clock = systemClock) {
    this.#context = context;
    this.#clock = clock;
    this.#subscriptions = [
      context.onCommand((record) => this.#nodes.get(record.node)?.commandFinished(record)),
      context.onNodesChanged((nodes) => this.#track(nodes)),
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
        if (explorer) void this.#details(explorer, message.kind, message.id);
        return true;
      }
      case 'logs-follow': {
        this.#logs?.stop();
        const explorer = this.#explorerOf(message.node);
        this.#logs = explorer && new LogFollower(explorer.node.engine, explorer.name, message.container, (m) => this.#send(m));
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

  dispose(): void {
    this.#disposed = true;
    for (const subscription of this.#subscriptions) subscription.dispose();
    for (const explorer of this.#nodes.values()) explorer.dispose();
    this.#nodes.clear();
    this.#logs?.stop();
  }

  #send(message: ServerMessage): void {
    if (!this.#disposed) this.#context.send(message);
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
      this.#nodes.set(
        node.name,
        new NodeExplorer(node, this.#clock, {
          changed: () => this.#publish(),
          swarmChanged: (source) => this.#swarmChanged(source),
          send: (message) => this.#send(message),
          log: (line) => this.#context.log(line),
        }),
      );
    }
    this.#publish();
  }

  #explorerOf(node: string): NodeExplorer | undefined {
    const explorer = this.#nodes.get(node);
    if (!explorer) this.#send({ type: 'error', code: 'NODE_NOT_FOUND', message: `${ERRORS.NODE_NOT_FOUND.message} (${node})` });
    return explorer;
  }

  /** Every node's view, node1 first; nodes not listed yet are left out until they are. */
  #publish(): void {
    const listed = [...this.#nodes.values()].filter((explorer) => explorer.snapshot);
    if (listed.length === 0) return;
    const view = explorerView(Object.fromEntries(listed.map((explorer) => [explorer.name, explorer.snapshot!])));
    const message: ServerMessage = { type: 'explorer', view, live: listed.every((explorer) => explorer.live) };
    const text = JSON.stringify(message);
    if (text === this.#lastPublished) return;
    this.#lastPublished = text;
    this.#send(message);
  }

  /**
   * An event on one node changed the swarm (a task's container started or died, say):
   * managers on other nodes show it too, but no event tells their engines, so they re-read.
   */
  #swarmChanged(source: NodeExplorer): void {
    for (const explorer of this.#nodes.values()) {
      if (explorer !== source && explorer.snapshot?.swarm.manager) explorer.invalidate({ what: 'swarm' });
    }
  }

  async #details(explorer: NodeExplorer, kind: ObjectKind, id: string): Promise<void> {
    const node = explorer.name;
    try {
      const inspect = await orNull(inspectObject(explorer.node.engine, kind, id));
      const users = kind === 'volume' ? (explorer.snapshot?.volumes.find((v) => v.name === id)?.users ?? []) : [];
      this.#send({ type: 'details', details: inspect ? detailsOf(node, kind, id, inspect, users) : missingDetails(node, kind, id) });
    } catch (error) {
      this.#context.log(`explorer: inspect ${kind} ${id} on ${node} failed (${(error as Error).message})`);
      this.#send({ type: 'details', details: missingDetails(node, kind, id) });
    }
  }
}

interface NodeExplorerHost {
  /** The node's view changed: its snapshot settled, or its stream broke. */
  changed(): void;
  /** An event on this node changed the swarm, which managers on other nodes show too. */
  swarmChanged(source: NodeExplorer): void;
  send(message: ServerMessage): void;
  log(line: string): void;
}

/** One node's explorer: its engine's event stream, state machine and per-command diffs. */
class NodeExplorer {
  readonly #host: NodeExplorerHost;
  readonly #clock: Clock;
  readonly #state: ExplorerState;
  readonly #history = new SnapshotHistory();
  #events: Disposable | undefined;
  #attempt = 0;
  #retry: Cancel | undefined;
  #pendingCommands: CommandRecord[] = [];
  #commandTimers = new Set<Cancel>();
  #disposed = false;

  constructor(
    readonly node: SessionNode,
    clock: Clock,
    host: NodeExplorerHost,
  ) {
    this.#host = host;
    this.#clock = clock;
    this.#state = new ExplorerState((command) => this.#run(command), clock);
    void this.#subscribe();
  }

  get name(): string {
    return this.node.name;
  }

  get snapshot(): EngineSnapshot | undefined {
    return this.#state.snapshot;
  }

  get live(): boolean {
    return this.#state.live;
  }

  invalidate(target: Target): void {
    this.#state.invalidate(target);
  }

  commandFinished(record: CommandRecord): void {
    this.#pendingCommands.push(record);
    const cancel = this.#clock.schedule(EXPLORER_IO.COMMAND_GRACE_MS, () => {
      this.#commandTimers.delete(cancel);
      this.#diffCommands();
    });
    this.#commandTimers.add(cancel);
  }

  dispose(): void {
    this.#disposed = true;
    this.#retry?.();
    for (const cancel of this.#commandTimers) cancel();
    this.#commandTimers.clear();
    this.#state.dispose();
    this.#dropStream();
  }

  // ---- the event stream and the state machine's commands ---------------------------------

  async #subscribe(): Promise<void> {
    if (this.#disposed) return;
    let events: Disposable;
    try {
      events = await followEngineEvents(this.node.engine, (event) => this.#event(event), () => this.#broken());
    } catch (error) {
      this.#host.log(`explorer: cannot subscribe to the engine events of ${this.name} (${(error as Error).message})`);
      this.#state.streamBroken();
      return;
    }
    if (this.#disposed) {
      events.dispose();
      return;
    }
    this.#events = events;
    this.#state.subscribed();
  }

  #event(event: EngineEvent): void {
    this.#state.event(event);
    if (targetsOf(event).some((target) => target.what === 'swarm')) this.#host.swarmChanged(this);
  }

  #broken(): void {
    this.#events = undefined;
    if (!this.#disposed) this.#state.streamBroken();
  }

  #dropStream(): void {
    this.#events?.dispose();
    this.#events = undefined;
  }

  /** The engine failed a read: start again from a fresh subscription. */
  #restart(error: unknown): void {
    if (this.#disposed) return;
    this.#host.log(`explorer: engine read on ${this.name} failed (${(error as Error).message}); re-listing`);
    this.#dropStream();
    this.#state.streamBroken();
  }

  #run(command: ExplorerCommand): void {
    if (this.#disposed) return;
    switch (command.kind) {
      case 'resubscribe': {
        this.#dropStream();
        this.#host.changed();
        const delays = EXPLORER_IO.RESUBSCRIBE_BACKOFF_MS;
        const delay = delays[Math.min(this.#attempt++, delays.length - 1)]!;
        this.#retry?.();
        this.#retry = this.#clock.schedule(delay, () => void this.#subscribe());
        return;
      }
      case 'relist':
        void this.#relist(command.token);
        return;
      case 'refresh':
        void this.#refresh(command);
        return;
      case 'settled':
        this.#settled();
        return;
    }
  }

  async #relist(token: number): Promise<void> {
    try {
      const info = (await this.node.engine.info()) as { SystemTime?: string };
      const snapshot = await collectSnapshot(this.node.engine);
      const listedAt = info.SystemTime ? engineTimeNano(info.SystemTime) : Number.NEGATIVE_INFINITY;
      if (this.#disposed) return;
      this.#attempt = 0;
      this.#state.listed(token, snapshot, listedAt);
    } catch (error) {
      this.#restart(error);
    }
  }

  async #refresh(command: RefreshCommand): Promise<void> {
    try {
      const result = await readTarget(this.node.engine, command);
      if (!this.#disposed) this.#state.refreshed(command.token, result);
    } catch (error) {
      this.#restart(error);
    }
  }

  #settled(): void {
    const snapshot = this.#state.snapshot;
    if (!snapshot) return;
    this.#history.record(Date.now(), snapshot);
    this.#host.changed();
    this.#diffCommands();
  }

  // ---- what each command changed ----------------------------------------------------------

  /** Diffs every finished command whose grace has passed, once the state has settled. */
  #diffCommands(): void {
    const after = this.#state.snapshot;
    if (!after || !this.#state.settled) return;
    const now = Date.now();
    const due = this.#pendingCommands.filter((r) => (r.finishedAt ?? now) + EXPLORER_IO.COMMAND_GRACE_MS <= now + 1);
    if (due.length === 0) return;
    this.#pendingCommands = this.#pendingCommands.filter((r) => !due.includes(r));
    // Commands typed in quick succession: one diff from before the first to now.
    const before = this.#history.before(Math.min(...due.map((r) => r.startedAt)));
    if (!before) return;
    const changes = diffSnapshots(before, after);
    if (changes.length === 0) return;
    this.#host.send({ type: 'explorer-diff', node: this.name, changes, summary: formatChanges(changes) });
    // The next command's changes are measured from here.
    this.#history.record(now, after);
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
          this.#push(`\n[the engine sent ${(error as Error).message}: logs stopped]\n`);
          this.#end();
        }
      });
      stream.on('end', () => this.#end());
      stream.on('close', () => this.#end());
      stream.on('error', () => this.#end());
    } catch (error) {
      if (this.#stopped) return;
      this.#push(statusOf(error) === 404 ? 'This container no longer exists.\n' : `Could not read the logs (${(error as Error).message}).\n`);
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
    if (this.#skipped > 0) data += `\n[… ${this.#skipped} characters skipped: the container prints faster than the panel shows]\n`;
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

