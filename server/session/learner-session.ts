/**
 * One learner's live session on their sandbox: the shell (with shell integration), the
 * inner engine client, and the features built on them. It outlives page connections: a
 * page attaches and detaches; reset, expiry and shutdown dispose it.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { OSC_SHELL_INTEGRATION, ShellIntegrationParser, type CommandRecord } from '../checks/shell-integration';
import type { ClientMessage, ServerMessage } from '../protocol';
import type { Sandbox } from '../sandbox/manager';
import { openDockerShell } from '../terminal/docker-shell';
import { TerminalChannel, type TerminalSize, type Viewer } from '../terminal/terminal-channel';
import { Emitter, type Disposable } from '../terminal/terminal-process';
import type { ServiceFactory, SessionContext, SessionService } from './context';
import { execInSandbox } from './sandbox-exec';

export const SHELL_CHANNEL = 0;
/** Enough history for any lesson; older commands are dropped first. */
const MAX_HISTORY = 500;

export class LearnerSession {
  readonly #terminals = new Map<number, TerminalChannel>();
  readonly #services: SessionService[];
  readonly #commands = new Emitter<CommandRecord>();
  readonly #history: CommandRecord[] = [];
  readonly #subscriptions: Disposable[] = [];
  #viewer: Viewer | null = null;

  constructor(
    readonly learner: string,
    readonly sandbox: Sandbox,
    engine: Docker,
    size: TerminalSize,
    services: readonly ServiceFactory[],
    private readonly log: (line: string) => void,
  ) {
    this.#terminals.set(SHELL_CHANNEL, this.#openShell(SHELL_CHANNEL, size));
    const context: SessionContext = {
      learner,
      sandbox,
      engine,
      send: (message) => this.#send(message),
      onCommand: (listener) => this.#commands.event(listener),
      history: this.#history,
      exec: (script, timeoutMs) => execInSandbox(sandbox.container, script, timeoutMs),
      log,
    };
    this.#services = services.map((create) => create(context));
  }

  async attach(viewer: Viewer): Promise<void> {
    this.#viewer = viewer;
    for (const service of this.#services) service.attached();
    await Promise.all([...this.#terminals.values()].map((terminal) => terminal.attach(viewer)));
  }

  detach(viewer: Viewer): void {
    if (this.#viewer === viewer) this.#viewer = null;
    for (const terminal of this.#terminals.values()) terminal.detach(viewer);
  }

  terminal(channel: number): TerminalChannel | undefined {
    return this.#terminals.get(channel);
  }

  /** Offers a message to each feature; false when none of them took it. */
  handle(message: ClientMessage): boolean {
    return this.#services.some((service) => service.handle(message));
  }

  dispose(): void {
    for (const service of this.#services) service.dispose();
    for (const subscription of this.#subscriptions) subscription.dispose();
    for (const terminal of this.#terminals.values()) terminal.dispose();
    this.#terminals.clear();
    this.#commands.dispose();
    this.#viewer = null;
  }

  #send(message: ServerMessage): void {
    this.#viewer?.sendMessage(message);
  }

  #openShell(channel: number, size: TerminalSize): TerminalChannel {
    // The shell-integration script signs every report with this secret, so text a learner
    // prints cannot forge a command result.
    const nonce = randomBytes(18).toString('base64url');
    const terminal = new TerminalChannel({
      channel,
      node: this.sandbox.node,
      size,
      openShell: (shellSize) =>
        openDockerShell(this.sandbox.container, {
          ...shellSize,
          // Interactive, not login: ~/.bashrc has everything, and skipping /etc/profile
          // brings the first prompt about 0.1 s sooner.
          cmd: ['bash', '-i'],
          env: [`SLIPWAY_NONCE=${nonce}`],
        }),
      log: this.log,
    });
    const parser = new ShellIntegrationParser({
      nonce,
      node: this.sandbox.node,
      onCommand: (record) => {
        this.#history.push(record);
        if (this.#history.length > MAX_HISTORY) this.#history.shift();
        this.#commands.fire(record);
      },
    });
    this.#subscriptions.push(terminal.parser.registerOscHandler(OSC_SHELL_INTEGRATION, (data) => parser.handle(data)));
    return terminal;
  }
}
