/**
 * Previews on a port of their own (SLIPWAY_PREVIEW_PORT): a multi-file app (HTML, script,
 * style, its own cookie) works, and nothing there can act as the learner on Slipway.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxManager } from '../sandbox/manager';
import { learnerKey } from '../sandbox/spec';
import { freePort, idleManager, rawRequest, startTestApp, statusOf, type TestApp } from '../testing/http-app';

const sandbox = {
  id: 'sandbox-1',
  name: 'slipway-l-x-node1',
  node: 'node1',
  network: 'n',
  container: { inspect: async () => ({ NetworkSettings: { Networks: { n: { IPAddress: '127.0.0.1' } } } }) },
} as unknown as Sandbox;
const FILES: Record<string, [string, string]> = {
  '/': ['text/html', '<!doctype html><link rel="stylesheet" href="style.css"><script src="app.js"></script>'],
  '/app.js': ['text/javascript', 'document.title = "app";'],
  '/style.css': ['text/css', 'body { color: teal }'],
};
let learnerApp: Server;
let appPort: number;
let slipway: TestApp;
let cookie: string;
let owner: string | null = null;

beforeAll(async () => {
  learnerApp = createServer((request, response) => {
    const file = FILES[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': file[0], 'Set-Cookie': 'app_session=1; Path=/', 'Clear-Site-Data': '"cookies"' });
    response.end(file[1]);
  });
  await new Promise<void>((resolve) => learnerApp.listen(0, '127.0.0.1', resolve));
  appPort = (learnerApp.address() as AddressInfo).port;
  const manager = { ...idleManager(), sandboxOf: (learner: string) => (learner === owner ? sandbox : undefined) } as unknown as SandboxManager;
  slipway = await startTestApp({ SLIPWAY_PREVIEW_PORT: String(await freePort()) }, [], manager);
  const page = await fetch(`${slipway.base}/`);
  cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  owner = learnerKey(cookie.slice(cookie.indexOf('=') + 1));
});
afterAll(async () => {
  await slipway.close();
  await new Promise((resolve) => learnerApp.close(resolve));
});

const previewBase = () => `http://127.0.0.1:${slipway.previewPort}`;

describe('previews on their own port', () => {
  it("send Slipway's preview links to the preview port", async () => {
    const response = await fetch(`${slipway.base}/preview/node1/${appPort}/`, { headers: { cookie }, redirect: 'manual' });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(`${previewBase()}/preview/node1/${appPort}/`);
  });

  it('serve a multi-file app: page, script and style, with its own cookie, unsandboxed', async () => {
    for (const file of ['', 'app.js', 'style.css']) {
      const response = await fetch(`${previewBase()}/preview/node1/${appPort}/${file}`, { headers: { cookie } });
      expect(response.status, file).toBe(200);
      expect(await response.text()).toBe(FILES[`/${file}`]![1]);
      expect(response.headers.get('content-security-policy')).toBeNull();
      expect(response.headers.getSetCookie()).toEqual(['app_session=1; Path=/']);
      // Cookies are shared by every port of a host: the app must not clear Slipway's.
      expect(response.headers.get('clear-site-data')).toBeNull();
    }
  });

  it('are still for the owner only', async () => {
    const stranger = (await fetch(`${slipway.base}/`)).headers.get('set-cookie')!.split(';')[0]!;
    const response = await fetch(`${previewBase()}/preview/node1/${appPort}/`, { headers: { cookie: stranger } });
    expect(response.status).toBe(404);
  });

  it("serve nothing of Slipway's: no API, no socket, no page", async () => {
    for (const path of ['/api/health', '/api/lessons', '/']) {
      expect((await fetch(`${previewBase()}${path}`, { headers: { cookie } })).status, path).toBe(404);
    }
    const upgrade = (port: number, origin: string) =>
      rawRequest(
        port,
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nCookie: ${cookie}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    expect(statusOf(await upgrade(slipway.previewPort!, previewBase()))).toBe(404);
    // A preview's script opening Slipway's socket sends the preview's origin: refused.
    expect(statusOf(await upgrade(slipway.port, previewBase()))).toBe(403);
  });

  it("give a preview's script nothing to read from Slipway's API (no CORS)", async () => {
    const response = await fetch(`${slipway.base}/api/health`, { headers: { cookie, origin: previewBase() } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
