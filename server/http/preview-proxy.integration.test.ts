/**
 * The preview proxy against a local stand-in for the learner's app: ownership, headers,
 * redirects, a port nothing answers on, and WebSocket upgrades.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Sandbox } from '../sandbox/manager';
import { learnerKey } from '../sandbox/spec';
import { createPreviewProxy } from './preview-proxy';

const OWNER = 'o'.repeat(32);
const STRANGER = 's'.repeat(32);
const sandbox = { id: 'sandbox-1', name: 'slipway-l-x-node1', node: 'node1', network: 'n' } as Sandbox;
let app: Server;
let appPort: number;
let slipway: Server;
let base: string;
let seen: { url?: string; cookie?: string; prefix?: string } = {};

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  app = createServer((request, response) => {
    seen = { url: request.url, cookie: request.headers.cookie, prefix: request.headers['x-forwarded-prefix'] as string };
    if (request.url === '/old') {
      response.writeHead(302, { Location: '/new' });
      response.end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': ['slipway_learner=evil; Path=/', 'app=1; Path=/'] });
    response.end('hello from the app');
  });
  const wss = new WebSocketServer({ server: app });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo ${String(data)}`)));
  appPort = await listen(app);

  const preview = createPreviewProxy({
    sandboxOf: (learner, node) => (learner === learnerKey(OWNER) && node === sandbox.node ? sandbox : undefined),
    learnerOf: (request) => {
      const token = /slipway_learner=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
      return token ? learnerKey(token) : null;
    },
    addressOf: async () => '127.0.0.1',
    log: () => undefined,
  });
  slipway = createServer((request, response) => preview.web(request, response));
  slipway.on('upgrade', (request, socket, head) => preview.upgrade(request, socket, head));
  base = `http://127.0.0.1:${await listen(slipway)}`;
});

afterAll(async () => {
  await new Promise((resolve) => slipway.close(resolve));
  await new Promise((resolve) => app.close(resolve));
});

const as = (token?: string, accept = '*/*') => ({ headers: { accept, ...(token ? { cookie: `theme=dark; slipway_learner=${token}` } : {}) }, redirect: 'manual' as const });

describe('preview proxy', () => {
  it("forwards the owner's requests without Slipway's cookie, and drops a Set-Cookie for it", async () => {
    const response = await fetch(`${base}/preview/node1/${appPort}/hello?x=1`, as(OWNER));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello from the app');
    expect(seen).toEqual({ url: '/hello?x=1', cookie: 'theme=dark', prefix: `/preview/node1/${appPort}` });
    expect(response.headers.getSetCookie()).toEqual(['app=1; Path=/']);
    // An opaque origin for the app, so its scripts cannot act as the learner on Slipway.
    expect(response.headers.get('content-security-policy')).toMatch(/^sandbox allow-scripts/);
  });

  it('answers NOT_FOUND to anybody else, and for other nodes and the engine port', async () => {
    for (const [url, token] of [
      [`/preview/node1/${appPort}/`, STRANGER],
      [`/preview/node1/${appPort}/`, undefined],
      [`/preview/node2/${appPort}/`, OWNER],
      ['/preview/node1/2375/', OWNER],
    ] as const) {
      const response = await fetch(`${base}${url}`, as(token));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'NOT_FOUND', message: 'Not found.' });
    }
    const page = await fetch(`${base}/preview/node1/${appPort}/`, as(STRANGER, 'text/html'));
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('adds the trailing slash, and keeps redirects under the prefix', async () => {
    const bare = await fetch(`${base}/preview/node1/${appPort}`, as(OWNER));
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe(`/preview/node1/${appPort}/`);
    const moved = await fetch(`${base}/preview/node1/${appPort}/old`, as(OWNER));
    expect(moved.headers.get('location')).toBe(`/preview/node1/${appPort}/new`);
  });

  it('says at once that nothing listens on a closed port', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const response = await fetch(`${base}/preview/node1/${port}/`, as(OWNER, 'text/html'));
    expect(response.status).toBe(502);
    expect(await response.text()).toContain(`Nothing is listening on port ${port} in your sandbox yet`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('forwards WebSocket upgrades for the owner only', async () => {
    const url = `${base.replace('http', 'ws')}/preview/node1/${appPort}/socket`;
    const socket = new WebSocket(url, { headers: { cookie: `slipway_learner=${OWNER}` } });
    const reply = await new Promise<string>((resolve, reject) => {
      socket.on('open', () => socket.send('ping'));
      socket.on('message', (data) => resolve(String(data)));
      socket.on('error', reject);
    });
    expect(reply).toBe('echo ping');
    socket.close();
    const stranger = new WebSocket(url, { headers: { cookie: `slipway_learner=${STRANGER}` } });
    const status = await new Promise<number>((resolve) => stranger.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
    expect(status).toBe(404);
  });
});
