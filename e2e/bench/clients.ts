/**
 * The benchmark's clients of the WebSocket protocol itself (no page: what is measured is the
 * server and the engine): a learner's socket as a page uses it, the errors a run collects, and
 * the server process read every few seconds. Used by the soak and the workshop crowd.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { WS_JOIN_PARAM, WS_PATH, decodeTerminalFrame, encodeTerminalFrame, parseServerMessage, type ClientMessage, type ServerMessage } from '../../server/protocol';
import { AckBatcher } from '../../web/src/lib/ack';
import { learnerCookie } from './nodes';
import { withoutEscapes } from './terminal-text';
import type { ProcessSample } from './stats';
import { cpuSeconds, rssMiB } from './system';

export const PROMPT = /root@node1:[^\n]*[#$] ?$/m;
const OPEN_TIMEOUT_MS = 180_000;
const SAMPLE_EVERY_MS = 5000;

/**
 * When `listeners` (a client's, called with each message it gets) next hear a message `matches`
 * accepts: performance.now() then, and the message.
 */
export function nextMessage<T>(listeners: Set<(message: T) => void>, matches: (message: T) => boolean, timeoutMs: number): Promise<{ message: T; at: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listeners.delete(listener);
      reject(new Error(`nothing awaited came within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (message: T) => {
      if (!matches(message)) return;
      const at = performance.now();
      clearTimeout(timer);
      listeners.delete(listener);
      resolve({ message, at });
    };
    listeners.add(listener);
  });
}

/** Everything that went wrong, by kind, with the first few in words. */
export class Errors {
  readonly byKind: Record<string, number> = {};
  readonly first: string[] = [];

  record(kind: string, detail: string): void {
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    if (this.first.length < 20) this.first.push(`${kind}: ${detail}`);
  }

  get total(): number {
    return Object.values(this.byKind).reduce((sum, count) => sum + count, 0);
  }
}

/** A learner's socket as a page uses it: node1's output acknowledged as rendered, its text watched. */
export class Learner {
  readonly #socket: WebSocket;
  readonly #acks: AckBatcher;
  readonly #decoder = new TextDecoder();
  readonly #watchers = new Set<(text: string) => void>();
  /** Called with every control message the server sends. */
  readonly controls = new Set<(message: ServerMessage) => void>();
  #leaving = false;

  private constructor(socket: WebSocket, name: string, errors: Errors) {
    this.#socket = socket;
    this.#acks = new AckBatcher((bytes) => this.#send({ type: 'ack', channel: 0, bytes }));
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return this.#control(data.toString('utf8'), name, errors);
      const frame = decodeTerminalFrame(data);
      if (!frame || frame.channel !== 0) return;
      this.#acks.track(frame.data.byteLength)();
      const text = this.#decoder.decode(frame.data, { stream: true });
      for (const watcher of this.#watchers) watcher(text);
    });
    socket.on('error', (error) => errors.record('socket', `${name}: ${error.message}`));
    socket.on('close', (code) => {
      if (!this.#leaving) errors.record('closed', `${name}: ${code}`);
    });
  }

  /** A new learner, once node1's prompt shows; with `joinCode`, as a page opened by that join link. */
  static async open(url: string, name: string, errors: Errors, joinCode?: string): Promise<Learner> {
    const cookie = await learnerCookie(url);
    const query = joinCode === undefined ? '' : `?${new URLSearchParams({ [WS_JOIN_PARAM]: joinCode })}`;
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${WS_PATH}${query}`, { headers: { Cookie: cookie, Origin: url } });
    const learner = new Learner(socket, name, errors);
    const prompt = learner.waitFor(PROMPT, OPEN_TIMEOUT_MS);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    learner.#send({ type: 'resize', channel: 0, cols: 100, rows: 30 });
    await prompt;
    return learner;
  }

  /** Milliseconds until the output from now on matches `pattern`, and that output. */
  waitFor(pattern: RegExp | string, timeoutMs: number): Promise<{ ms: number; seen: string }> {
    const started = performance.now();
    let seen = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#watchers.delete(watch);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms (last: ${JSON.stringify(seen.slice(-80))})`));
      }, timeoutMs);
      const watch = (text: string) => {
        seen = (seen + text).slice(-8192);
        const plain = withoutEscapes(seen);
        if (typeof pattern === 'string' ? !plain.includes(pattern) : !pattern.test(plain)) return;
        clearTimeout(timer);
        this.#watchers.delete(watch);
        resolve({ ms: performance.now() - started, seen });
      };
      this.#watchers.add(watch);
    });
  }

  type(text: string): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(encodeTerminalFrame(0, new TextEncoder().encode(text)));
  }

  leave(): void {
    this.#leaving = true;
    this.#socket.close();
  }

  send(message: ClientMessage): void {
    this.#send(message);
  }

  #send(message: object): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #control(text: string, name: string, errors: Errors): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) return errors.record('message', `${name}: ${parsed.error}`);
    const message = parsed.message;
    if (message.type === 'error') errors.record('error-message', `${name}: ${message.code}`);
    if (message.type === 'sandbox' && ['failed', 'full', 'expired'].includes(message.state)) errors.record('sandbox', `${name}: ${message.state}`);
    for (const listener of this.controls) listener(message);
  }
}

/** The server's RSS and CPU time every few seconds until `until` aborts (a last reading then), and whether its health endpoint answers. */
export async function sampleServer(url: string, pid: number, until: AbortSignal, errors: Errors): Promise<ProcessSample[]> {
  const samples: ProcessSample[] = [];
  const started = performance.now();
  for (;;) {
    samples.push({ at: (performance.now() - started) / 1000, rssMiB: rssMiB(pid), cpuSeconds: cpuSeconds([pid]) });
    const health = await fetch(`${url}/api/health`).catch((error: Error) => error);
    if (health instanceof Error || !health.ok) errors.record('health', health instanceof Error ? health.message : String(health.status));
    if (until.aborted) return samples;
    await sleep(SAMPLE_EVERY_MS, undefined, { signal: until }).catch(() => undefined);
  }
}

/** How often the health is asked while waiting for a count. */
const HEALTH_POLL_MS = 100;

/** Polls `/api/health` until its `sandboxes[count]` reaches `atLeast`; throws after `timeoutMs`. */
export async function waitForSandboxes(url: string, count: 'pooled' | 'reserved', atLeast: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${url}/api/health`)).json()) as { sandboxes: Record<typeof count, number> };
    if (health.sandboxes[count] >= atLeast) return;
    await sleep(HEALTH_POLL_MS);
  }
  throw new Error(`${count} sandboxes did not reach ${atLeast} within ${timeoutMs / 1000} s`);
}
