/**
 * Thousands of malformed HTTP requests and WebSocket frames against the HTTP app: each is
 * answered (a coded 4xx, never a 5xx or silence), and a learner's socket beside them keeps
 * being served. e2e/hostile.spec.ts does the same beside a real terminal.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { lessonsApi } from '../lessons/api';
import { LessonLibrary } from '../lessons/library';
import type { ProgressStore } from '../lessons/store';
import { answered, malformedFrames, malformedRequests, seeded } from '../testing/fuzz';
import { startTestApp, type TestApp } from '../testing/http-app';

const store = { completedCounts: () => new Map(), progress: () => ({ completedSteps: [], currentStep: null }) } as unknown as ProgressStore;
let app: TestApp;

beforeAll(async () => {
  const library = new LessonLibrary([]);
  app = await startTestApp({ SLIPWAY_SESSIONS_PER_MINUTE: '1000' }, [(url, learner) => lessonsApi(url, learner, library, store)]);
});
afterAll(() => app.close());

async function learnerSocket() {
  const cookie = (await fetch(`${app.base}/`)).headers.get('set-cookie')!.split(';')[0]!;
  const socket = new WebSocket(`ws://127.0.0.1:${app.port}/ws`, { headers: { cookie, origin: app.base } });
  const errors: string[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; code?: string };
    if (message.type === 'error') errors.push(message.code!);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  return { socket, errors };
}

it('answers every one of 2000 malformed requests and frames, and keeps serving a learner', { timeout: 120_000 }, async () => {
  const learner = await learnerSocket();
  const r = seeded(7);
  const statuses = new Map<number, number>();
  const requests = malformedRequests(r, app.port, 2000);
  for (let start = 0; start < requests.length; start += 25) {
    for (const status of await Promise.all(requests.slice(start, start + 25).map((text) => answered(app.port, text)))) {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    // The learner beside the flood is still answered.
    learner.socket.send('ping?');
    await expect.poll(() => learner.errors.length).toBe(start / 25 + 1);
  }
  const unanswered = statuses.get(0) ?? 0;
  const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  expect({ unanswered, serverErrors }, JSON.stringify([...statuses])).toEqual({ unanswered: 0, serverErrors: 0 });

  const fuzzer = await learnerSocket();
  for (let i = 0; i < 2000; i += 1) fuzzer.socket.send(i % 10 === 0 ? Buffer.alloc(0) : r.pick(malformedFrames));
  await expect.poll(() => fuzzer.errors.length).toBe(2000);
  expect(new Set(fuzzer.errors)).toEqual(new Set(['INVALID_MESSAGE']));
  expect([fuzzer.socket.readyState, learner.socket.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
  expect((await fetch(`${app.base}/api/health`)).status).toBe(200);
  fuzzer.socket.close();
  learner.socket.close();
});
