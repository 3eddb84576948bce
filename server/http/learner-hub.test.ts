/**
 * The hub with stand-in sandbox managers: a client that floods the server with messages (each
 * answered with an error) while never reading is closed as TOO_SLOW with the server's memory
 * bounded; per-client rates; and what a page is told when its session ends unasked (the
 * lifetime's warning and end, a session reclaimed while the page was closed).
 */
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { ERRORS, type ServerMessage } from '../protocol';
import type { SandboxManager } from '../sandbox/manager';
import { idleManager } from '../testing/http-app';
import { ClientLimits } from './client-limits';
import { LearnerHub } from './learner-hub';

const LIMITS = { STUCK_QUEUED_BYTES: 256 * 1024, STUCK_MS: 500, MAX_QUEUED_BYTES: 4 * 1024 * 1024, CHECK_MS: 50 };
const servers: WebSocketServer[] = [];

/** A hub on a loopback port; every socket is a new learner unless `keyOf` says whose it is. */
async function serve(manager: SandboxManager, keyOf = (index: number) => `k${index}`.padEnd(16, '0')) {
  const limits = new ClientLimits({ maxSockets: 10, sessionsPerMinute: 100, actionsPerMinute: 2, joinsPerMinute: 2 });
  const hub = new LearnerHub(manager, [], 5, () => undefined, true, limits, LIMITS);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  /** The close codes the server sent (a client that does not read never sees them). */
  const closes: number[] = [];
  let connections = 0;
  wss.on('connection', (socket) => {
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer) => {
      if (code) closes.push(code);
      close(code, reason);
    };
    hub.connect(socket, keyOf(++connections), 'client');
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  return { hub, wss, closes, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

/** A client that keeps every message it is sent, and its close code. */
async function client(url: string) {
  const socket = new WebSocket(url);
  const messages: ServerMessage[] = [];
  let closed: number | undefined;
  socket.on('message', (data, isBinary) => {
    if (!isBinary) messages.push(JSON.parse(String(data)) as ServerMessage);
  });
  socket.on('close', (code) => (closed = code));
  await new Promise((resolve) => socket.once('open', resolve));
  return { socket, messages, closed: () => closed };
}

let flooding: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  flooding = await serve(idleManager());
});
afterAll(() => Promise.all(servers.map((wss) => new Promise<void>((resolve) => wss.close(() => resolve())))));

// Its flood takes 3-4 s on a busy 2-core machine and timed out at vitest's default 5 s beside a
// browser test run: give it room.
it('closes a flooding client that never reads as TOO_SLOW, with memory bounded', { timeout: 60_000 }, async () => {
  const { wss, closes } = flooding;
  const client = new WebSocket(flooding.url);
  await new Promise((resolve) => client.once('message', resolve));
  // Stop reading: what the server sends piles up in its queue.
  const raw = (client as unknown as { _socket: Socket })._socket;
  raw.pause();
  let peak = 0;
  const huge = JSON.stringify({ type: 'ack', channel: 0, bytes: Number.MAX_SAFE_INTEGER });
  const invalid = JSON.stringify({ type: 'resize', channel: 0, cols: 1, rows: 1, pad: 'x'.repeat(2000) });
  while (closes.length === 0) {
    for (let i = 0; i < 200; i += 1) {
      client.send(huge);
      client.send(invalid);
    }
    peak = Math.max(peak, ...[...wss.clients].map((socket) => socket.bufferedAmount));
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(closes).toEqual([ERRORS.TOO_SLOW.close]);
  // Even the close frame cannot get out: the socket is cut soon after, as the client sees
  // once it reads again.
  const cut = new Promise((resolve) => client.once('close', resolve));
  client.on('error', () => undefined);
  raw.resume();
  await cut;
  // What the server queued for it stayed under the cap (client and server share this
  // process, so its RSS says nothing about the server alone; the bench measures that).
  expect(peak).toBeLessThan(LIMITS.MAX_QUEUED_BYTES + 64 * 1024);
});

it('answers resets and node additions past the per-client rate with RATE_LIMITED, keeping the socket', async () => {
  const { socket, messages } = await client(flooding.url);
  for (const type of ['node-add', 'reset-sandbox', 'node-add']) socket.send(JSON.stringify({ type }));
  await expect.poll(() => messages.filter((message) => message.type === 'error' && message.code === 'RATE_LIMITED')).toHaveLength(1);
  // The first two were let through (there is no session yet to take them: INVALID_MESSAGE).
  expect(socket.readyState).toBe(WebSocket.OPEN);
  socket.close();
});

/** A manager whose learner's session ended, while the page was closed, for `reason`. */
function endedManager(reason: ReturnType<SandboxManager['takeEnded']>) {
  const acquire = vi.fn(() => new Promise<never>(() => undefined));
  const takeEnded = vi.fn().mockReturnValueOnce(reason).mockReturnValue(undefined);
  return { manager: { ...idleManager(), acquire, takeEnded } as unknown as SandboxManager, acquire };
}

it('tells a page whose sandbox was reclaimed while it was closed, and starts it a new one', async () => {
  const { manager, acquire } = endedManager('SANDBOX_RECLAIMED');
  const { url } = await serve(manager);
  const { socket, messages } = await client(url);
  await expect.poll(() => messages.map((message) => message.type)).toEqual(['welcome', 'notice']);
  expect(messages[1]).toEqual({ type: 'notice', code: 'SANDBOX_RECLAIMED', message: ERRORS.SANDBOX_RECLAIMED.message });
  expect(acquire).toHaveBeenCalledOnce();
  expect(socket.readyState).toBe(WebSocket.OPEN);
  socket.close();
});

it('shows a page opened after its session’s lifetime ended why, and starts nothing', async () => {
  const { manager, acquire } = endedManager('SESSION_LIFETIME_ENDED');
  const { url } = await serve(manager);
  const page = await client(url);
  await expect.poll(page.closed).toBe(ERRORS.SESSION_LIFETIME_ENDED.close);
  expect(page.messages.at(-1)).toMatchObject({ type: 'sandbox', state: 'expired', reason: 'SESSION_LIFETIME_ENDED' });
  expect(acquire).not.toHaveBeenCalled();
});

it('warns an open page before its session’s lifetime ends, then shows why it ended', async () => {
  const { hub, url } = await serve(idleManager(), () => 'a'.repeat(16));
  const page = await client(url);
  await expect.poll(() => page.messages).toHaveLength(1);
  hub.ending('a'.repeat(16), 300_000);
  await expect.poll(() => page.messages.at(-1)).toEqual({ type: 'session-ending', inMs: 300_000 });
  hub.ended('a'.repeat(16), 'SESSION_LIFETIME_ENDED');
  await expect.poll(page.closed).toBe(ERRORS.SESSION_LIFETIME_ENDED.close);
  expect(page.messages.at(-1)).toEqual({
    type: 'sandbox',
    state: 'expired',
    reason: 'SESSION_LIFETIME_ENDED',
    detail: ERRORS.SESSION_LIFETIME_ENDED.message,
  });
});
