/**
 * What a learner's session offers the features built on it (lesson checks, the explorer),
 * and what such a feature must provide. Features never see sockets or terminals.
 */
import type Docker from 'dockerode';
import type { CommandRecord } from '../checks/shell-integration';
import type { Disposable } from '../common/disposable';
import type { EngineState } from '../engine-state/follower';
import type { ClientMessage, ExplorerUpdate, Locale, ServerMessage } from '../protocol';
import type { Sandbox } from '../sandbox/manager';
import type { ExecResult } from './sandbox-exec';

/** One ready node of the session: a sandbox with its own Docker engine. */
export interface SessionNode {
  /** node1, node2, ... */
  readonly name: string;
  readonly sandbox: Sandbox;
  /** The Docker engine inside this node, for what its state does not hold (details, logs, changes Slipway makes). */
  readonly engine: Docker;
  /** What is in that engine, kept current from its events (server/engine-state/). */
  readonly state: EngineState;
  /** Runs a script on this node beside (not in) the learner's shell. */
  exec(script: string, timeoutMs: number): Promise<ExecResult>;
}

export interface SessionContext {
  /** The learner key (a hash of their token), for storage keyed by learner. */
  readonly learner: string;
  /** The session's ready nodes, node1 first. */
  nodes(): readonly SessionNode[];
  node(name: string): SessionNode | undefined;
  /** Fires after a node became ready or was removed, with the ready nodes then. */
  onNodesChanged(listener: (nodes: readonly SessionNode[]) => void): Disposable;
  /** Fires with a ready node's name when its engine state settles on something new. */
  onEngineSettled(listener: (node: string) => void): Disposable;
  /**
   * Starts nodes until the session holds node1 .. node<count> (a lesson's `nodes:`); resolves
   * once they are ready. Never removes nodes. Rejects with a SlipwayError when Slipway is full.
   */
  ensureNodes(count: number): Promise<void>;
  /** Sends to the learner's page, if one is connected; dropped otherwise. */
  send(message: ServerMessage): void;
  /** The learner's language: every text a feature sends is worded in it (server/common/i18n.ts). */
  locale(): Locale;
  /** Fires when the learner switched language: a feature sends again what it words. */
  onLocaleChanged(listener: (locale: Locale) => void): Disposable;
  /** Every command a shell of the session finished (any node), as shell integration reported it. */
  onCommand(listener: (record: CommandRecord) => void): Disposable;
  /** Commands so far in this session, oldest first. */
  readonly history: readonly CommandRecord[];
  log(line: string): void;
}

export interface SessionService {
  /** A page (re)connected: send it whatever it needs to show this feature's state. */
  attached(): void;
  /** Handles the message if it is this feature's; returns whether it was. */
  handle(message: ClientMessage): boolean;
  /**
   * A trainer watches the learner: sends them, read-only, what the page shows of this feature
   * (the whole of it now, then every update) until disposed. Only the explorer has such a view.
   */
  watch?(send: (update: ExplorerUpdate) => void): Disposable;
  dispose(): void;
}

export type ServiceFactory = (context: SessionContext) => SessionService;
