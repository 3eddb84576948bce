/**
 * The HTTP side: the built web app, a health endpoint, the learner cookie, and the
 * WebSocket upgrade (checked for origin and cookie before anything is spawned).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import type { Config } from '../config';
import { ERRORS, MAX_CLIENT_FRAME_BYTES, WS_PATH, type ErrorCode } from '../protocol';
import type { SandboxManager } from '../sandbox/manager';
import type { ServiceFactory } from '../session/context';
import { learnerKey } from '../sandbox/spec';
import { WEB_OUT_DIR } from '../setup/web-build';
import { newToken, tokenCookie, tokenOf } from './identity';
import { originAllowed } from './origin';
import { LearnerHub } from './learner-hub';
import { createPreviewProxy } from './preview-proxy';

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

const CLOSE_GRACE_MS = 1000;

export interface AppOptions {
  config: Config;
  manager: SandboxManager;
  /** Features of a learner's session (lesson checks, the explorer). */
  services?: readonly ServiceFactory[];
  /** JSON endpoints under /api/ (the lesson catalog): an answer, or null when the path is not theirs. */
  routes?: readonly ApiRoute[];
  log: (line: string) => void;
  webRoot?: string;
  /** False on an engine without user namespaces (SLIPWAY_ALLOW_UNISOLATED_ENGINE): learners are told. */
  isolated?: boolean;
}

/** `learner` is the requesting learner's key, or null without a cookie. */
export type ApiRoute = (url: URL, learner: string | null) => { status: number; body: unknown } | null;

export function createApp({ config, manager, services = [], routes = [], log, webRoot, isolated = true }: AppOptions) {
  const hub = new LearnerHub(manager, services, config.maxNodes, log, isolated);
  const serveStatic = sirv(webRoot ?? path.resolve(WEB_OUT_DIR), { single: true, etag: true, gzip: false });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  const preview = createPreviewProxy({ sandboxOf: (learner, node) => manager.sandboxOf(learner, node), log });

  const server = createServer((request, response) => {
    // The learner's own app, through the port preview: none of Slipway's headers apply.
    if (preview.handles(request)) return preview.web(request, response);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = new URL(request.url ?? '/', 'http://slipway.invalid');
    if (url.pathname === '/api/health') return sendJson(response, 200, { ok: true, sandboxes: manager.counts });
    if (url.pathname.startsWith('/api/')) {
      const token = tokenOf(request);
      for (const route of routes) {
        const answer = route(url, token ? learnerKey(token) : null);
        if (answer) return sendJson(response, answer.status, answer.body);
      }
      return sendError(response, 'NOT_FOUND');
    }
    // Pages (not assets) hand out the learner's cookie on first visit.
    if (!path.extname(url.pathname) && !tokenOf(request)) {
      response.setHeader('Set-Cookie', tokenCookie(newToken(), isHttps(request)));
    }
    serveStatic(request, response, () => sendError(response, 'NOT_FOUND'));
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (preview.handles(request)) return preview.upgrade(request, socket, head);
    const url = new URL(request.url ?? '/', 'http://slipway.invalid');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 'NOT_FOUND');
    if (!originAllowed(request.headers.origin, request.headers.host, config.allowedOrigins)) {
      return refuseUpgrade(socket, 'FORBIDDEN_ORIGIN');
    }
    const token = tokenOf(request);
    if (!token) return refuseUpgrade(socket, 'UNAUTHENTICATED');
    wss.handleUpgrade(request, socket, head, (ws) => hub.connect(ws, learnerKey(token)));
  });

  return {
    server,
    hub,
    listen(): Promise<string> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
          resolve(`http://${shownHost}:${config.port}`);
        });
      });
    },
    expire(learner: string): void {
      hub.expire(learner);
    },
    async close(): Promise<void> {
      hub.closeAll('SHUTTING_DOWN');
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Browsers keep idle connections open; and a page gets a moment to receive its close
      // frame before whatever is left (sockets, previews) is cut.
      server.closeIdleConnections();
      const cut = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
        server.closeAllConnections();
      }, CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
    },
  };
}

function isHttps(request: IncomingMessage): boolean {
  return request.headers['x-forwarded-proto'] === 'https';
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, code: ErrorCode): void {
  sendJson(response, ERRORS[code].status, { error: code, message: ERRORS[code].message });
}

function refuseUpgrade(socket: Duplex, code: ErrorCode): void {
  const { status, message } = ERRORS[code];
  const body = JSON.stringify({ error: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
