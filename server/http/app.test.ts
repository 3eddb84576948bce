/**
 * The HTTP app under malformed and hostile requests: each gets a coded answer, an error
 * escaping a handler is logged and answered 500, and the server goes on answering. Also
 * the host allow list (DNS rebinding) and the signed learner cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LessonLibrary } from '../lessons/library';
import { lessonsApi } from '../lessons/api';
import type { ProgressStore } from '../lessons/store';
import { rawRequest, startTestApp, statusOf, type TestApp } from '../testing/http-app';

const store = { completedCounts: () => new Map(), progress: () => ({ completedSteps: [], currentStep: null }) } as unknown as ProgressStore;
const library = new LessonLibrary([]);
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({}, [
    (url, learner) => lessonsApi(url, learner, library, store),
    (url) => {
      if (url.pathname === '/api/throws') throw new Error('a bug in a route');
      return null;
    },
  ]);
});
afterAll(() => app.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  rawRequest(app.port, `GET ${path} HTTP/1.1\r\nHost: localhost:${app.port}\r\nConnection: close\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);

async function healthy(): Promise<void> {
  const response = await fetch(`${app.base}/api/health`);
  expect(response.status).toBe(200);
}

describe('malformed requests', () => {
  it.each(['/api/lessons/%E0', '/api/lessons/%', '/api/lessons/%ZZ', '/%E0', '/api/%C0%AF', '/x%00y'])('answers %s with INVALID_REQUEST and goes on', async (path) => {
    const answer = await get(path);
    expect(statusOf(answer)).toBe(400);
    expect(answer).toContain('"error":"INVALID_REQUEST"');
    await healthy();
  });

  it.each([
    ['an odd method', `BREW / HTTP/1.1\r\nHost: localhost\r\n\r\n`],
    ['a method pages do not take', `DELETE /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`],
    ['an absolute-form target', `GET http://elsewhere.example/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`],
    ['a CONNECT', `CONNECT localhost:22 HTTP/1.1\r\nHost: localhost:22\r\n\r\n`],
    ['an asterisk target', `OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`],
    ['a garbage request line', `\u0001\u0002 nonsense\r\n\r\n`],
    ['a huge header', `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`],
    ['thousands of repeated headers', `GET /api/health HTTP/1.1\r\nHost: localhost\r\n${'X-R: 1\r\n'.repeat(5000)}Connection: close\r\n\r\n`],
  ])('answers %s with a coded 4xx', async (_what, text) => {
    const answer = await rawRequest(app.port, text);
    // Repeated headers beyond the count Node keeps are dropped, so that request is served.
    expect([200, 400]).toContain(statusOf(answer));
    if (statusOf(answer) === 400) expect(answer).toContain('"error":"INVALID_REQUEST"');
    await healthy();
  });

  it.each(['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/static/..%5c..%5cetc%5cpasswd'])('does not serve files outside the app for %s', async (path) => {
    const answer = await get(path);
    expect(answer).not.toContain('root:');
    expect([400, 404, 200]).toContain(statusOf(answer));
    await healthy();
  });

  it('logs an error escaping a route with its request, answers 500 and goes on', async () => {
    const answer = await get('/api/throws');
    expect(statusOf(answer)).toBe(500);
    expect(answer).toContain('"error":"INTERNAL_ERROR"');
    const id = /x-request-id: (\S+)/i.exec(answer)?.[1];
    expect(app.lines.some((line) => line.startsWith(`[${id}] request GET /api/throws`) && line.includes('a bug in a route'))).toBe(true);
    await healthy();
  });

  it('still answers a well-formed lesson request', async () => {
    const answer = await get('/api/lessons/no-such-lesson');
    expect(statusOf(answer)).toBe(404);
    expect(answer).toContain('LESSON_NOT_FOUND');
  });
});

describe('host names', () => {
  it('refuses a request for a foreign host name (DNS rebinding)', async () => {
    const answer = await rawRequest(app.port, `GET / HTTP/1.1\r\nHost: evil.example:${app.port}\r\nConnection: close\r\n\r\n`);
    expect(statusOf(answer)).toBe(421);
    expect(answer).toContain('FORBIDDEN_HOST');
    expect(answer).not.toMatch(/set-cookie/i);
  });

  it('refuses a socket opened with a foreign Host and a matching Origin', async () => {
    const cookie = await issuedCookie();
    const host = `evil.example:${app.port}`;
    const status = await upgradeStatus({ host, origin: `http://${host}`, cookie });
    expect(status).toBe(421);
  });

  it("accepts the page's own host and origin, and refuses another origin", async () => {
    const cookie = await issuedCookie();
    expect(await upgradeStatus({ host: `localhost:${app.port}`, origin: 'http://evil.example', cookie })).toBe(403);
    const socket = new WebSocket(`ws://127.0.0.1:${app.port}/ws`, { headers: { cookie, origin: app.base } });
    const first = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    expect(JSON.parse(first)).toMatchObject({ type: 'welcome' });
    socket.close();
  });
});

describe('the learner cookie', () => {
  it('is issued signed, and a client-chosen or forged one is replaced and never used', async () => {
    const cookie = await issuedCookie();
    expect(cookie).toMatch(/^slipway_learner=[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}$/);
    expect(await setCookieFor(cookie)).toBeNull();
    const chosen = `slipway_learner=${'a'.repeat(32)}`;
    expect(await setCookieFor(chosen)).toMatch(/^slipway_learner=/);
    const forged = `${cookie.slice(0, -4)}AAAA`;
    expect(await setCookieFor(forged)).toMatch(/^slipway_learner=/);
    expect(await upgradeStatus({ host: `127.0.0.1:${app.port}`, origin: app.base, cookie: chosen })).toBe(401);
  });

  it('is Secure when configured', async () => {
    const secure = await startTestApp({ SLIPWAY_COOKIE_SECURE: 'on' });
    try {
      const response = await fetch(`${secure.base}/`);
      expect(response.headers.get('set-cookie')).toContain('Secure');
    } finally {
      await secure.close();
    }
  });
});

async function issuedCookie(): Promise<string> {
  const response = await fetch(`${app.base}/`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function setCookieFor(cookie: string): Promise<string | null> {
  const response = await fetch(`${app.base}/`, { headers: { cookie } });
  return response.headers.get('set-cookie');
}

async function upgradeStatus(headers: { host: string; origin: string; cookie: string }): Promise<number> {
  const answer = await rawRequest(
    app.port,
    `GET /ws HTTP/1.1\r\nHost: ${headers.host}\r\nOrigin: ${headers.origin}\r\nCookie: ${headers.cookie}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  );
  return statusOf(answer);
}

describe('per-client limits', () => {
  it('answers a client past its open sockets with TOO_MANY_SESSIONS, and past its rate with RATE_LIMITED', async () => {
    const limited = await startTestApp({ SLIPWAY_MAX_SOCKETS_PER_CLIENT: '2', SLIPWAY_SESSIONS_PER_MINUTE: '2' });
    const cookieOf = async () => (await fetch(`${limited.base}/`)).headers.get('set-cookie')!.split(';')[0]!;
    const open = async () => {
      const socket = new WebSocket(`ws://127.0.0.1:${limited.port}/ws`, { headers: { cookie: await cookieOf(), origin: limited.base } });
      await new Promise((resolve, reject) => {
        socket.once('message', resolve);
        socket.once('error', reject);
      });
      return socket;
    };
    const refusal = async () =>
      rawRequest(
        limited.port,
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${limited.port}\r\nOrigin: ${limited.base}\r\nCookie: ${await cookieOf()}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    try {
      const first = await open();
      const second = await open();
      const full = await refusal();
      expect(statusOf(full)).toBe(429);
      expect(full).toContain('TOO_MANY_SESSIONS');
      first.close();
      await new Promise((resolve) => first.once('close', resolve));
      // A socket is free again, but this address has started 2 sessions this minute.
      // (Polled: the server may see the close a moment after the client; until then the
      // answer is TOO_MANY_SESSIONS, which takes nothing from the rate.)
      await expect.poll(async () => /"error":"(\w+)"/.exec(await refusal())?.[1]).toBe('RATE_LIMITED');
      second.close();
    } finally {
      await limited.close();
    }
  });
});
