/**
 * A client that floods the server with messages (each answered with an error) while never
 * reading: its socket is closed as TOO_SLOW, and the server's memory stays bounded.
 */
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { ERRORS } from '../protocol';
import { idleManager } from '../testing/http-app';
import { ClientLimits } from './client-limits';
import { LearnerHub } from './learner-hub';

const LIMITS = { STUCK_QUEUED_BYTES: 256 * 1024, STUCK_MS: 500, MAX_QUEUED_BYTES: 4 * 1024 * 1024, CHECK_MS: 50 };
let wss: WebSocketServer;
let port: number;
/** The close codes the server sent (a client that does not read never sees them). */
const closes: number[] = [];

beforeAll(async () => {
  const limits = new ClientLimits({ maxSockets: 10, sessionsPerMinute: 100, actionsPerMinute: 2 });
  const hub = new LearnerHub(idleManager(), [], 5, () => undefined, true, limits, LIMITS);
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (socket) => {
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer) => {
      if (code) closes.push(code);
      close(code, reason);
    };
    hub.connect(socket, `k${wss.clients.size}`.padEnd(16, '0'), 'client');
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  port = (wss.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

it('closes a flooding client that never reads as TOO_SLOW, with memory bounded', async () => {
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
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
  // Megabytes of frames through a real socket: on a loaded machine that takes longer than
  // vitest's default 5 s (it timed out so beside a browser test run).
}, 60_000);

it('answers resets and node additions past the per-client rate with RATE_LIMITED, keeping the socket', async () => {
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const messages: Array<{ type: string; code?: string }> = [];
  client.on('message', (data) => messages.push(JSON.parse(String(data)) as { type: string; code?: string }));
  await new Promise((resolve) => client.once('open', resolve));
  for (const type of ['node-add', 'reset-sandbox', 'node-add']) client.send(JSON.stringify({ type }));
  await expect.poll(() => messages.filter((message) => message.code === 'RATE_LIMITED')).toHaveLength(1);
  // The first two were let through (there is no session yet to take them: INVALID_MESSAGE).
  expect(client.readyState).toBe(WebSocket.OPEN);
  client.close();
});
