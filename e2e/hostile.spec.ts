/**
 * Hostile input from the network, beside a learner at work: thousands of malformed HTTP
 * requests and WebSocket frames each get an answer (never a 5xx, never silence), and the
 * learner's terminal keeps echoing. Also DNS rebinding (a foreign Host and Origin refused).
 * All traffic goes to the Slipway this test starts on loopback.
 */
import { test, expect } from '@playwright/test';
import WebSocket from 'ws';
import { rawRequest, statusOf } from '../server/testing/http-app';
import { answered, malformedFrames, malformedRequests, rebindingRequests, seeded } from '../server/testing/fuzz';
import { loadConfig } from '../server/config';
import { connectEngine } from '../server/engine/connect';
import { removeInstance } from './support/global-setup';
import { startSlipway, type RunningSlipway } from './support/server';
import { openSandbox, run } from './support/terminal';

/** Its own instance, removed after: the sandboxes of its learners must not fill later tests' capacity. */
const INSTANCE = 'e2e-hostile';
let slipway: RunningSlipway;

test.beforeAll(async () => {
  slipway = await startSlipway({ SLIPWAY_INSTANCE: INSTANCE });
});

test.afterAll(async () => {
  await slipway?.stop();
  await removeInstance((await connectEngine(loadConfig().engine)).docker, INSTANCE);
});

test('thousands of malformed requests and frames are each answered while a learner keeps typing', async ({ browser }) => {
  test.setTimeout(600_000);
  const page = await (await browser.newContext()).newPage();
  await openSandbox(page, slipway.url);
  await run(page, 'echo "before=$((40+2))"', 'before=42');

  const r = seeded(20_261_201);
  const statuses = new Map<number, number>();
  const requests = malformedRequests(r, slipway.port, 2000);
  // A few at a time, as a scanner would; the learner types between batches.
  for (let start = 0; start < requests.length; start += 25) {
    const batch = await Promise.all(requests.slice(start, start + 25).map((text) => answered(slipway.port, text)));
    for (const status of batch) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (start % 500 === 0) await run(page, `echo "during=$((${start}+1))"`, `during=${start + 1}`);
  }
  const unanswered = statuses.get(0) ?? 0;
  const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  expect({ unanswered, serverErrors }, JSON.stringify([...statuses])).toEqual({ unanswered: 0, serverErrors: 0 });

  // WebSocket frames and control messages: each malformed one answered with an error.
  const cookie = (await fetch(`${slipway.url}/`)).headers.get('set-cookie')!.split(';')[0]!;
  const socket = new WebSocket(`${slipway.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin: slipway.url } });
  const errors: string[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const message = JSON.parse(String(data)) as { type: string; code?: string };
    if (message.type === 'error') errors.push(message.code!);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  const count = 2000;
  for (let i = 0; i < count; i += 1) {
    if (i % 10 === 0) socket.send(Buffer.alloc(0));
    else socket.send(r.pick(malformedFrames));
  }
  await expect.poll(() => errors.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(count);
  expect(errors.every((code) => code === 'INVALID_MESSAGE')).toBe(true);
  expect(socket.readyState).toBe(WebSocket.OPEN);
  socket.close();

  await run(page, 'echo "after=$((40+3))"', 'after=43');
  expect((await fetch(`${slipway.url}/api/health`)).ok).toBe(true);
});

test('a page on a foreign host name (DNS rebinding) gets neither a cookie nor a socket', async () => {
  const cookie = (await fetch(`${slipway.url}/`)).headers.get('set-cookie')!.split(';')[0]!;
  const rebinding = rebindingRequests(slipway.port, cookie);
  const page = await rawRequest(slipway.port, rebinding.page);
  expect(statusOf(page)).toBe(421);
  expect(page).not.toMatch(/set-cookie/i);
  expect(statusOf(await rawRequest(slipway.port, rebinding.upgrade))).toBe(421);
});
