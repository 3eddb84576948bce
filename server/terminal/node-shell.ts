/**
 * The learner's shell on a node, and the same shell started ahead in a sandbox that waits to
 * be handed out (pooled, or reserved for a workshop), so that a page handed that sandbox gets
 * a prompt without waiting for an exec and bash's start-up.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { openDockerShell } from './docker-shell';
import type { TerminalSize } from './terminal-channel';
import type { TerminalProcess } from './terminal-process';

/** A shell started ahead, until a session takes it over with the nonce it was started with. */
export interface ParkedShell {
  /** The shell-integration secret in its environment. */
  nonce: string;
  process: Promise<TerminalProcess>;
  /** Whether it exited (or never started) while it waited: the session starts a fresh one then. */
  ended(): boolean;
}

/** The size a shell started ahead has until its page says its own. */
const PARKED_SIZE: TerminalSize = { cols: 100, rows: 30 };

/**
 * The shell-integration script signs every report with this secret, so text a learner prints
 * cannot forge a command result.
 */
export function newShellNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function startNodeShell(container: Docker.Container, size: TerminalSize, nonce: string): Promise<TerminalProcess> {
  return openDockerShell(container, {
    ...size,
    // Interactive, not login: ~/.bashrc has everything, and skipping /etc/profile brings the
    // first prompt about 0.1 s sooner.
    cmd: ['bash', '-i'],
    env: [`SLIPWAY_NONCE=${nonce}`],
  });
}

export function parkNodeShell(container: Docker.Container): ParkedShell {
  const nonce = newShellNonce();
  let ended = false;
  const process = startNodeShell(container, PARKED_SIZE, nonce).then((shell) => {
    shell.onExit(() => (ended = true));
    return shell;
  });
  process.catch(() => (ended = true));
  return { nonce, process, ended: () => ended };
}
