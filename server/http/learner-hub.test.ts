/**
 * The hub with stand-in sandbox managers: a client that floods the server with messages (each
 * answered with an error) while never reading is closed as TOO_SLOW with the server's memory
 * bounded; per-client rates; what a page is told when its session ends unasked (the
 * lifetime's warning and end, a session reclaimed while the page was closed); the
 * learner's language, which the page names and the server words everything in; and a
 * session's explorer as the workshops watch it.
 */
import Database from 'better-sqlite3';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { AcquireOptions } from '../sandbox/manager';
import WebSocket, { WebSocketServer } from 'ws';
import { LessonLibrary } from '../lessons/library';
import { lessonsService } from '../lessons/service';
import { sqliteProgressStore } from '../lessons/store';
import { ERRORS, type ExplorerUpdate, type ServerMessage } from '../protocol';
import { Check } from '../protocol/checks';
import type { Lesson } from '../protocol/lesson-model';
import { lessonChecking } from '../testing/lessons';
import type { Sandbox, SandboxManager, SandboxProgress } from '../sandbox/manager';
import type { ServiceFactory } from '../session/context';
import { idleManager } from '../testing/http-app';
import { ClientLimits } from './client-limits';
import { LearnerHub, type PageHooks } from './learner-hub';

const LIMITS = { STUCK_QUEUED_BYTES: 256 * 1024, STUCK_MS: 500, MAX_QUEUED_BYTES: 4 * 1024 * 1024, CHECK_MS: 50 };
const servers: WebSocketServer[] = [];

/** A hub on a loopback port; every socket is a new learner unless `keyOf` says whose it is, opened by `joinCode`'s link if given. */
async function serve(manager: SandboxManager, keyOf = (index: number) => `k${index}`.padEnd(16, '0'), services: ServiceFactory[] = [], pages?: PageHooks, joinCode?: string) {
  const limits = new ClientLimits({ maxSockets: 10, sessionsPerMinute: 100, actionsPerMinute: 2, joinsPerMinute: 2 });
  const hub = new LearnerHub(manager, services, 5, () => undefined, true, limits, LIMITS, pages);
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
    hub.connect(socket, keyOf(++connections), 'client', joinCode);
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

it('tells an open page its session was extended, and says nothing when there was no session to extend', async () => {
  const extend = vi.fn().mockReturnValueOnce(1_800_000_000_000).mockReturnValue(undefined);
  const { hub, url } = await serve({ ...idleManager(), extend } as unknown as SandboxManager, () => 'a'.repeat(16));
  const page = await client(url);
  await expect.poll(() => page.messages).toHaveLength(1);
  expect(hub.extend('a'.repeat(16), 900_000)).toBe(1_800_000_000_000);
  expect(extend).toHaveBeenCalledWith('a'.repeat(16), 900_000);
  await expect.poll(() => page.messages.at(-1)).toEqual({ type: 'session-extended', endsAt: 1_800_000_000_000 });
  expect(hub.extend('a'.repeat(16), 900_000)).toBeUndefined();
  hub.send('a'.repeat(16), { type: 'help', raised: false });
  await expect.poll(() => page.messages.at(-1)).toEqual({ type: 'help', raised: false });
  expect(page.messages.filter((message) => message.type === 'session-extended')).toHaveLength(1);
  page.socket.close();
});

/** A lesson of one step that wants `docker ps` run, and its Chinese translation. */
function lessonInTwoLanguages(): LessonLibrary {
  const check = Check.parse({ type: 'command', contains: 'docker ps' });
  const original = lessonChecking(check);
  const translated: Lesson = { ...original, locale: 'zh', steps: [{ ...original.steps[0]!, checks: [{ ...check, title: '列出容器' }] }] };
  return new LessonLibrary([original], { zh: [translated] });
}

it('words what it sends in the language the page names, and sends again what it worded', async () => {
  let ready!: (sandbox: Sandbox) => void;
  const manager = {
    ...idleManager(),
    acquire: (_key: string, progress: SandboxProgress) => {
      progress(false);
      return new Promise<Sandbox>((resolve) => (ready = resolve));
    },
    // The lesson's node1 never comes: its command check needs none.
    addNode: () => new Promise(() => undefined),
  } as unknown as SandboxManager;
  const store = sqliteProgressStore(new Database(':memory:'));
  const { url } = await serve(manager, undefined, [lessonsService({ library: lessonInTwoLanguages(), store })]);
  const page = await client(url);
  const last = (type: ServerMessage['type']) => page.messages.findLast((message) => message.type === type);
  await expect.poll(() => last('sandbox')).toEqual({ type: 'sandbox', state: 'starting', detail: 'Starting your own Docker engine…', warm: false });

  // The page names its language after the welcome: what it was told while waiting is worded again.
  page.socket.send(JSON.stringify({ type: 'locale', locale: 'zh' }));
  await expect.poll(() => last('sandbox')).toEqual({ type: 'sandbox', state: 'starting', detail: '正在启动你自己的 Docker 引擎…', warm: false });

  ready({ node: 'node1' } as Sandbox);
  await expect.poll(() => last('sandbox')).toEqual({ type: 'sandbox', state: 'ready' });
  page.socket.send(JSON.stringify({ type: 'lesson-select', lessonId: 'lesson', stepId: 'step' }));
  // Judged as the translation reads: its title, and the reason in Chinese.
  await expect.poll(() => last('verdicts')).toMatchObject({ verdicts: [{ title: '列出容器', passed: false, reason: '你还没有运行过任何命令' }] });

  // A switch of language judges again, in it.
  page.socket.send(JSON.stringify({ type: 'locale', locale: 'en' }));
  await expect.poll(() => last('verdicts')).toMatchObject({ verdicts: [{ title: 'Run `docker ps`', reason: 'you have not run any command yet' }] });
  // lesson-select may name the language too.
  page.socket.send(JSON.stringify({ type: 'lesson-select', lessonId: 'lesson', stepId: 'step', locale: 'zh' }));
  await expect.poll(() => last('verdicts')).toMatchObject({ verdicts: [{ title: '列出容器' }] });

  // A language Slipway does not speak is answered as any message it does not understand.
  page.socket.send(JSON.stringify({ type: 'locale', locale: 'fr' }));
  await expect.poll(() => last('error')).toMatchObject({ code: 'INVALID_MESSAGE', message: expect.stringMatching(/^A message from the browser was not understood\. \(locale: /) });
  expect(page.socket.readyState).toBe(WebSocket.OPEN);
  page.socket.close();
});

it("shows the workshops a session's explorer until the session ends, which tells them once", async () => {
  const key = 'w'.repeat(16);
  const update: ExplorerUpdate = { type: 'explorer', view: { nodes: [] }, live: true };
  const released = vi.fn();
  // A feature with a watchable view, as the explorer is.
  const watchable: ServiceFactory = () => ({
    attached: () => undefined,
    handle: () => false,
    dispose: () => undefined,
    watch: (send) => {
      send(update);
      return { dispose: released };
    },
  });
  const manager = { ...idleManager(), acquire: () => Promise.resolve({ node: 'node1' } as Sandbox) } as unknown as SandboxManager;
  const { hub, url } = await serve(manager, () => key, [watchable]);
  const page = await client(url);
  await expect.poll(() => page.messages).toContainEqual({ type: 'sandbox', state: 'ready' });
  expect(hub.explorer('n'.repeat(16), () => undefined, () => undefined)).toBeUndefined();

  const shown: ExplorerUpdate[] = [];
  const ended = vi.fn();
  const watch = hub.explorer(key, (each) => shown.push(each), ended);
  expect(shown).toEqual([update]);
  hub.ended(key, 'SANDBOX_EXPIRED');
  expect(released).toHaveBeenCalledOnce();
  expect(ended).toHaveBeenCalledOnce();
  // Disposed after the session ended: nothing more to release.
  watch!.dispose();
  expect(released).toHaveBeenCalledOnce();
  await expect.poll(page.closed).toBe(ERRORS.SANDBOX_EXPIRED.close);
  page.socket.close();
});

it('acquires a participant’s sandbox from their workshop’s reservation, and trades an untouched one for a reserved one as a reset', async () => {
  const key = 'r'.repeat(16);
  const acquire = vi.fn((_key: string, _progress: SandboxProgress, _options: AcquireOptions) => Promise.resolve({ node: 'node1' } as Sandbox));
  const reset = vi.fn((_key: string, _progress: SandboxProgress, _options?: AcquireOptions) => Promise.resolve({ node: 'node1' } as Sandbox));
  let ready = 0;
  // The session opens without nodes (there is no engine here); the manager holds node1 meanwhile.
  let held: Sandbox[] = [];
  const manager = { ...idleManager(), acquire, reset, reservedReady: () => ready, nodesOf: () => held } as unknown as SandboxManager;
  const pages: PageHooks = { admit: () => null, reservation: () => 'w1', opened: () => undefined, closed: () => undefined, handle: () => false };
  const { hub, url } = await serve(manager, () => key, [], pages);
  const page = await client(url);
  const states = () => page.messages.filter((message) => message.type === 'sandbox').map((message) => message.state);
  await expect.poll(states).toEqual(['ready']);
  expect(acquire.mock.calls[0]![2]).toEqual({ reservation: 'w1' });

  held = [{ node: 'node1' } as Sandbox];
  // Nothing ready: the learner keeps what they have.
  hub.offerReserved(key, 'w1');
  expect(reset).not.toHaveBeenCalled();
  ready = 1;
  hub.offerReserved(key, 'w1');
  // The new session opens without nodes again.
  held = [];
  expect(reset.mock.calls[0]![2]).toEqual({ reservation: 'w1' });
  await expect.poll(states).toEqual(['ready', 'resetting', 'ready']);
  page.socket.close();
});

it('asks for the reservation of the join link a page was opened by, and does not trade a session that came from it', async () => {
  const key = 'j'.repeat(16);
  let held: Sandbox[] = [];
  const reset = vi.fn(() => Promise.resolve({ node: 'node1' } as Sandbox));
  const manager = {
    ...idleManager(),
    acquire: () => Promise.resolve({ node: 'node1' } as Sandbox),
    reset,
    reservedReady: () => 1,
    // The session opens without nodes (there is no engine here); the manager holds node1 meanwhile.
    nodesOf: () => held,
    reservationOf: () => 'w1',
  } as unknown as SandboxManager;
  const asked: Array<[string, string | undefined]> = [];
  const pages: PageHooks = {
    admit: () => null,
    reservation: (learner, joinCode) => (asked.push([learner, joinCode]), joinCode === 'K7QM-4WXT' ? 'w1' : undefined),
    opened: () => undefined,
    closed: () => undefined,
    handle: () => false,
  };
  const { hub, url } = await serve(manager, () => key, [], pages, 'K7QM-4WXT');
  const page = await client(url);
  await expect.poll(() => page.messages.some((message) => message.type === 'sandbox' && message.state === 'ready')).toBe(true);
  expect(asked).toEqual([[key, 'K7QM-4WXT']]);
  held = [{ node: 'node1' } as Sandbox];
  // Joining next offers the workshop's reservation: the session is already one of it.
  hub.offerReserved(key, 'w1');
  expect(reset).not.toHaveBeenCalled();
  page.socket.close();
});
