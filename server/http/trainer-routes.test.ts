/**
 * The trainer's routes and socket in the HTTP app: the printed link sets the cookie; without
 * it (a learner's cookie, none, a wrong token) every trainer path, the trainer's socket and a
 * trainer message on the learner's socket get FORBIDDEN.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseTrainerServerMessage, type TrainerServerMessage } from '../protocol';
import { startTestApp, type TestApp } from '../testing/http-app';
import { sqliteWorkshopStore } from '../workshops/store';
import { Workshops } from '../workshops/workshops';

const TOKEN = 'a-trainer-token-of-enough-length';
const catalog = { lessons: () => [{ id: 'hello', title: 'Hello', steps: [{ id: 'run', title: 'Run it' }] }] };
let app: TestApp;
let workshops: Workshops;
const db = new Database(':memory:');

beforeAll(async () => {
  workshops = new Workshops(sqliteWorkshopStore(db), catalog);
  app = await startTestApp({}, [], undefined, { trainer: { token: TOKEN, workshops } });
});
afterAll(async () => {
  await app.close();
  workshops.dispose();
  db.close();
});

const get = (path: string, cookie?: string) => fetch(`${app.base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

async function learnerCookie(): Promise<string> {
  return cookieOf(await get('/'));
}

async function trainerCookie(): Promise<string> {
  const response = await get(`/trainer?token=${TOKEN}`);
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/trainer');
  return cookieOf(response);
}

function openSocket(path: string, cookie: string): Promise<{ socket: WebSocket; status: number; messages: string[] }> {
  return new Promise((resolve) => {
    const messages: string[] = [];
    const socket = new WebSocket(`ws://127.0.0.1:${app.port}${path}`, { headers: { cookie, origin: app.base } });
    socket.on('message', (data, isBinary) => void (isBinary || messages.push(data.toString())));
    socket.on('unexpected-response', (_request, response) => resolve({ socket, status: response.statusCode ?? 0, messages }));
    socket.on('open', () => resolve({ socket, status: 101, messages }));
    socket.on('error', () => undefined);
  });
}

const until = async <T>(read: () => T | undefined): Promise<T> => {
  for (let i = 0; i < 100; i += 1) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('timed out');
};

describe('trainer routes', () => {
  it.each(['/trainer', '/trainer?token=wrong', '/trainer/x', '/api/trainer', '/api/trainer/workshops/AAAAAAAAAAAA/results.csv'])(
    'answer %s with FORBIDDEN for a learner\'s cookie',
    async (path) => {
      const response = await get(path, await learnerCookie());
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'FORBIDDEN' });
    },
  );

  it('let the printed link in, and then the page and exports', async () => {
    const cookie = await trainerCookie();
    expect(cookie).toMatch(/^slipway_trainer=/);
    expect((await get('/trainer', cookie)).status).toBe(200);
    expect((await get('/api/trainer/workshops/AAAAAAAAAAAA/results.csv', cookie)).status).toBe(404);
    // A script may use a bearer header instead.
    const bearer = await fetch(`${app.base}/api/trainer/workshops/AAAAAAAAAAAA/results.json`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(404);
  });

  it('refuse the trainer socket without the trainer\'s cookie, and serve it with it', async () => {
    expect((await openSocket('/ws/trainer', await learnerCookie())).status).toBe(403);
    const { socket, status, messages } = await openSocket('/ws/trainer', await trainerCookie());
    expect(status).toBe(101);
    const parsed = () => messages.map((text) => parseTrainerServerMessage(text)).flatMap((result) => (result.ok ? [result.message] : []));
    await until(() => parsed().find((message) => message.type === 'trainer-welcome'));
    socket.send(JSON.stringify({ type: 'workshop-create', draft: { name: 'Onboarding', lessons: ['hello'], startsAt: 0, endsAt: Date.now() + 3_600_000, capacity: 5 } }));
    const dashboard = await until(() => parsed().find((message): message is Extract<TrainerServerMessage, { type: 'dashboard' }> => message.type === 'dashboard'));
    expect(dashboard.workshop.name).toBe('Onboarding');
    const csv = await get(`/api/trainer/workshops/${dashboard.workshop.id}/results.csv`, await trainerCookie());
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toMatch(/^participant,name,lesson,step/);
    socket.close();
  });

  it('answer a trainer message on a learner\'s socket with FORBIDDEN', async () => {
    const { socket, status, messages } = await openSocket('/ws', await learnerCookie());
    expect(status).toBe(101);
    socket.send(JSON.stringify({ type: 'workshop-broadcast', workshopId: 'AAAAAAAAAAAA', text: 'hijacked' }));
    const error = await until(() => messages.map((text) => JSON.parse(text) as { type: string; code?: string }).find((message) => message.type === 'error'));
    expect(error.code).toBe('FORBIDDEN');
    socket.close();
  });
});
