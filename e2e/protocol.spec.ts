/**
 * Bad input over the wire gets a specific error and never disturbs other learners.
 */
import { test, expect } from '@playwright/test';
import WebSocket from 'ws';
import { parseServerMessage, type ServerMessage } from '../server/protocol';
import { startSlipway, type RunningSlipway } from './support/server';
import { openSandbox, run } from './support/terminal';

let slipway: RunningSlipway;

test.beforeAll(async () => {
  slipway = await startSlipway();
});

test.afterAll(async () => {
  await slipway?.stop();
});

async function learnerCookie(): Promise<string> {
  const response = await fetch(`${slipway.url}/`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

function connect(headers: Record<string, string>) {
  const socket = new WebSocket(`${slipway.url.replace('http', 'ws')}/ws`, { headers });
  const messages: ServerMessage[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const parsed = parseServerMessage(data.toString());
    if (parsed.ok) messages.push(parsed.message);
  });
  return { socket, messages };
}

test('the WebSocket refuses foreign origins and missing cookies before anything starts', async () => {
  const cookie = await learnerCookie();
  const statusOf = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(`${slipway.url.replace('http', 'ws')}/ws`, { headers });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
  expect(await statusOf({ Cookie: cookie, Origin: 'http://evil.example' })).toBe(403);
  expect(await statusOf({ Origin: slipway.url })).toBe(401);
});

test('malformed messages get an error while the server keeps serving another learner', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openSandbox(page, slipway.url);

  const { socket, messages } = connect({ Cookie: await learnerCookie(), Origin: slipway.url });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send('this is not json');
  socket.send(JSON.stringify({ type: 'resize', channel: 0, cols: -5, rows: 10 }));
  socket.send(JSON.stringify({ type: 'launch-missiles' }));
  socket.send(Buffer.alloc(0));
  socket.send(JSON.stringify({ type: 'node-remove', node: 'node99' }));
  const errors = () => messages.filter((m): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error');
  await expect.poll(() => errors().length).toBeGreaterThanOrEqual(5);
  expect(errors().every((m) => m.code === 'INVALID_MESSAGE')).toBe(true);
  expect(errors()[0]!.message).toContain('not valid JSON');
  expect(errors()[1]!.message).toContain('cols');
  expect(errors()[4]!.message).toContain('node name');

  // Well-formed node requests the session cannot honour get their own codes; the socket stays.
  await expect.poll(() => messages.some((m) => m.type === 'nodes'), { timeout: 120_000 }).toBe(true);
  socket.send(JSON.stringify({ type: 'node-remove', node: 'node1' }));
  socket.send(JSON.stringify({ type: 'node-remove', node: 'node7' }));
  await expect.poll(() => errors().filter((m) => m.code === 'NODE_NOT_FOUND').length).toBe(2);

  // A frame over the size limit closes that socket only (1009: message too big).
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  socket.send(Buffer.alloc(200 * 1024, 1));
  expect(await closed).toBe(1009);

  await run(page, 'echo "still=$((20+22))"', 'still=42');
  const health = await (await fetch(`${slipway.url}/api/health`)).json();
  expect(health.ok).toBe(true);
  await context.close();
});
