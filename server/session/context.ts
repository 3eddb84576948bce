/**
 * What a learner's session offers the features built on it (lesson checks, the explorer),
 * and what such a feature must provide. Features never see sockets or terminals.
 */
import type Docker from 'dockerode';
import type { CommandRecord } from '../checks/shell-integration';
import type { ClientMessage, ServerMessage } from '../protocol';
import type { Sandbox } from '../sandbox/manager';
import type { Disposable } from '../terminal/terminal-process';
import type { ExecResult } from './sandbox-exec';

export interface SessionContext {
  /** The learner key (a hash of their token), for storage keyed by learner. */
  readonly learner: string;
  readonly sandbox: Sandbox;
  /** The Docker engine inside the learner's sandbox (node1). */
  readonly engine: Docker;
  /** Sends to the learner's page, if one is connected; dropped otherwise. */
  send(message: ServerMessage): void;
  /** Every command the learner's shell finished, as shell integration reported it. */
  onCommand(listener: (record: CommandRecord) => void): Disposable;
  /** Commands so far in this session, oldest first. */
  readonly history: readonly CommandRecord[];
  /** Runs a script in the sandbox beside (not in) the learner's shell. */
  exec(script: string, timeoutMs: number): Promise<ExecResult>;
  log(line: string): void;
}

export interface SessionService {
  /** A page (re)connected: send it whatever it needs to show this feature's state. */
  attached(): void;
  /** Handles the message if it is this feature's; returns whether it was. */
  handle(message: ClientMessage): boolean;
  dispose(): void;
}

export type ServiceFactory = (context: SessionContext) => SessionService;
