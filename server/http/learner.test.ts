/**
 * A learner's ownership of their page and session, over real sockets on loopback: a newer page
 * replaces the older, `release` lets go of the session and closes the page, and what the page
 * was told while its sandbox starts is worded again in a new language.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { ERRORS, type ServerMessage } from '../protocol';
import type { LearnerSession } from '../session/learner-session';
import { Learner } from './learner';
import { SOCKET_QUEUE } from './stuck-socket';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

/** A page: the server's end of its socket, and what the client end received. */
async function page() {
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const messages: ServerMessage[] = [];
  client.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  const closed = new Promise<number>((resolve) => client.once('close', resolve));
  const server = await accepted;
  const serverClosed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  return { server, messages, closed, serverClosed };
}

function fakeSession() {
  return { dispose: vi.fn(), detach: vi.fn(), setLocale: vi.fn() } as unknown as LearnerSession & Record<'dispose' | 'detach' | 'setLocale', ReturnType<typeof vi.fn>>;
}

it('a newer page replaces the older, whose closing then is not the learner leaving', async () => {
  const learner = new Learner(SOCKET_QUEUE, () => undefined);
  const first = await page();
  const firstViewer = learner.attach(first.server);
  const session = fakeSession();
  expect(learner.adopt(session, first.server)).toBe(true);

  const second = await page();
  learner.attach(second.server);
  expect(await first.closed).toBe(ERRORS.REPLACED.close);
  expect(session.detach).toHaveBeenCalledWith(firstViewer);
  expect(learner.detach(first.server)).toBe(false);
  expect(learner.shows(second.server)).toBe(true);
  // A session made for the replaced page is not taken.
  expect(learner.adopt(fakeSession(), first.server)).toBe(false);
  learner.release('SHUTTING_DOWN');
});

it('release lets go of the session and closes the page with its code', async () => {
  const learner = new Learner(SOCKET_QUEUE, () => undefined);
  const one = await page();
  learner.attach(one.server);
  const session = fakeSession();
  learner.adopt(session, one.server);

  learner.release('SHUTTING_DOWN');
  expect(session.dispose).toHaveBeenCalledOnce();
  expect(learner.session).toBeNull();
  expect(await one.closed).toBe(ERRORS.SHUTTING_DOWN.close);
  await one.serverClosed;
  // The page's own close then detaches it, as the hub does on every socket's close.
  expect(learner.detach(one.server)).toBe(true);
  expect(learner.socket).toBeNull();
});

it('says again, in the language switched to, what the page was told while its sandbox starts', async () => {
  const learner = new Learner(SOCKET_QUEUE, () => undefined);
  const one = await page();
  learner.attach(one.server);
  learner.setStarting({ state: 'starting', text: 'sandbox.cold', warm: false });
  learner.setLocale('zh');
  learner.setStarting(null);
  learner.setLocale('en');
  await vi.waitFor(() => expect(one.messages).toHaveLength(2));
  const [english, chinese] = one.messages as Array<Extract<ServerMessage, { type: 'sandbox' }>>;
  expect(english).toMatchObject({ type: 'sandbox', state: 'starting', warm: false });
  expect(chinese).toMatchObject({ type: 'sandbox', state: 'starting', warm: false });
  expect(chinese!.detail).not.toBe(english!.detail);
  // Once the sandbox is there, switching says nothing more.
  expect(one.messages).toHaveLength(2);
  learner.release('SHUTTING_DOWN');
});

it('closes a page that stopped reading as too slow, and says so', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  try {
    const seen: number[] = [];
    const learner = new Learner({ ...SOCKET_QUEUE, CHECK_MS: 10 }, (queued) => seen.push(queued));
    const one = await page();
    learner.attach(one.server);
    Object.defineProperty(one.server, 'bufferedAmount', { get: () => SOCKET_QUEUE.MAX_QUEUED_BYTES });
    vi.advanceTimersByTime(10);
    expect(seen).toEqual([SOCKET_QUEUE.MAX_QUEUED_BYTES]);
    expect(await one.closed).toBe(ERRORS.TOO_SLOW.close);
  } finally {
    vi.useRealTimers();
  }
});
