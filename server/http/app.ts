/**
 * The HTTP side: the built web app, a health endpoint, the learner cookie, and the
 * WebSocket upgrade (checked for host, origin and cookie before anything is spawned).
 * Every request and upgrade runs under one guard: malformed input is answered with a
 * coded 4xx, and an error that escapes a handler is logged with its request and answered
 * 500, never ending the process (which would drop every learner's terminal).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { Log } from '../log';
import { ERRORS, MAX_CLIENT_FRAME_BYTES, TRAINER_API, TRAINER_PAGE_PATH, TRAINER_WS_PATH, WS_JOIN_PARAM, WS_PATH, type ErrorCode } from '../protocol';
import type { EndReason, SandboxManager } from '../sandbox/manager';
import type { ServiceFactory } from '../session/context';
import { learnerKey } from '../sandbox/spec';
import { WEB_OUT_DIR } from '../setup/web-build';
import { configuredHostPolicy, hostAllowed, hostName, machineHostNames, originAllowed } from './hosts';
import { createIdentity, loadIdentityKey, tokenCookie } from './identity';
import { parseRequestUrl } from './request-url';
import { ClientLimits, clientOf } from './client-limits';
import { LearnerHub } from './learner-hub';
import { SOCKET_QUEUE } from './stuck-socket';
import { isTrainer, tokenMatches, trainerCookie } from './trainer-auth';
import { TrainerHub } from './trainer-hub';
import type { Workshops } from '../workshops/workshops';
import { createPreviewProxy } from './preview-proxy';

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

const CLOSE_GRACE_MS = 1000;
/** A client gets this long to send its request headers (a slow-loris holds a socket open otherwise). */
const HEADERS_TIMEOUT_MS = 15_000;
const MAX_HEADERS_COUNT = 200;
const PAGE_METHODS = new Set(['GET', 'HEAD']);

export interface AppOptions {
  config: Config;
  manager: SandboxManager;
  /** Features of a learner's session (lesson checks, the explorer). */
  services?: readonly ServiceFactory[];
  /** JSON endpoints under /api/ (the lesson catalog): an answer, or null when the path is not theirs. */
  routes?: readonly ApiRoute[];
  log: Log;
  webRoot?: string;
  /** False on an engine without user namespaces (SLIPWAY_ALLOW_UNISOLATED_ENGINE): learners are told. */
  isolated?: boolean;
  /** Workshops and the trainer's token; without them there are no trainer routes. */
  trainer?: { token: string; workshops: Workshops };
}

/** `learner` is the requesting learner's key, or null without a cookie. */
export type ApiRoute = (url: URL, learner: string | null) => { status: number; body: unknown } | null;

export function createApp({ config, manager, services = [], routes = [], log, webRoot, isolated = true, trainer }: AppOptions) {
  const limits = new ClientLimits(config.clientLimits);
  const hub = new LearnerHub(manager, services, config.maxNodes, log, isolated, limits, SOCKET_QUEUE, trainer?.workshops);
  trainer?.workshops.connect(hub);
  const trainers = trainer && new TrainerHub(trainer.workshops, log);
  const serveStatic = sirv(webRoot ?? path.resolve(WEB_OUT_DIR), {
    single: true,
    etag: true,
    // The build's .br and .gz copies (server/setup/precompress.ts), chosen by Accept-Encoding.
    brotli: true,
    gzip: true,
    setHeaders: (response, pathname) => response.setHeader('Cache-Control', staticCaching(pathname)),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });

  const identity = createIdentity(loadIdentityKey(config.stateDir));
  const hosts = configuredHostPolicy(config, machineHostNames());
  const preview = createPreviewProxy({
    sandboxOf: (learner, node) => manager.sandboxOf(learner, node),
    learnerOf: (request) => learnerOf(identity.tokenOf(request)),
    ownOrigin: config.previewPort !== undefined,
    log,
  });

  function handle(request: IncomingMessage, response: ServerResponse): void {
    if (!hostAllowed(request.headers.host, hosts)) return sendError(response, 'FORBIDDEN_HOST');
    // The learner's own app, through the port preview: none of Slipway's headers apply.
    if (preview.handles(request)) {
      if (config.previewPort === undefined) return preview.web(request, response);
      return redirectToPreviewPort(request, response, config.previewPort);
    }
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = parseRequestUrl(request.url);
    if (!url || !PAGE_METHODS.has(request.method ?? '')) return sendError(response, 'INVALID_REQUEST');
    if (url.pathname === '/api/health') return sendJson(response, 200, { ok: true, sandboxes: manager.counts });
    if (isTrainerPath(url.pathname)) {
      // The printed link: its token becomes the trainer's cookie, and leaves the address bar.
      const login = url.pathname === TRAINER_PAGE_PATH ? url.searchParams.get('token') : null;
      if (trainer && login !== null && tokenMatches(login, trainer.token)) {
        response.writeHead(303, { 'Set-Cookie': trainerCookie(trainer.token, cookieSecure(config, request)), Location: TRAINER_PAGE_PATH, 'Cache-Control': 'no-store' });
        return void response.end();
      }
      if (!trainer || !isTrainer(request, trainer.token)) return sendError(response, 'FORBIDDEN');
      if (url.pathname.startsWith(`${TRAINER_API}/`)) {
        const answer = trainerResults(url, trainer.workshops);
        if (!answer) return sendError(response, 'NOT_FOUND');
        response.writeHead(200, { 'Content-Type': answer.type, 'Content-Disposition': `attachment; filename="${answer.file}"`, 'Cache-Control': 'no-store' });
        return void response.end(answer.body);
      }
    }
    if (url.pathname.startsWith('/api/')) {
      const learner = learnerOf(identity.tokenOf(request));
      for (const route of routes) {
        const answer = route(url, learner);
        if (answer) return sendJson(response, answer.status, answer.body);
      }
      return sendError(response, 'NOT_FOUND');
    }
    // Pages (not assets) hand out the learner's cookie on first visit, and replace one this
    // server did not sign.
    if (!path.extname(url.pathname) && !identity.tokenOf(request)) {
      response.setHeader('Set-Cookie', tokenCookie(identity.issue(), cookieSecure(config, request)));
    }
    serveStatic(request, response, () => sendError(response, 'NOT_FOUND'));
  }

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!hostAllowed(request.headers.host, hosts)) return answerRaw(socket, 'FORBIDDEN_HOST');
    if (preview.handles(request) && config.previewPort === undefined) return preview.upgrade(request, socket, head);
    const url = parseRequestUrl(request.url);
    if (!url) return answerRaw(socket, 'INVALID_REQUEST');
    if (url.pathname !== WS_PATH && url.pathname !== TRAINER_WS_PATH) return answerRaw(socket, 'NOT_FOUND');
    if (!originAllowed(request.headers.origin, request.headers.host, hosts)) return answerRaw(socket, 'FORBIDDEN_ORIGIN');
    if (url.pathname === TRAINER_WS_PATH) {
      if (!trainer || !trainers || !isTrainer(request, trainer.token)) return answerRaw(socket, 'FORBIDDEN');
      const client = clientOf(request);
      const refused = limits.admitSocket(client, Date.now());
      if (refused) return answerRaw(socket, refused);
      socket.once('close', () => limits.socketClosed(client));
      return wss.handleUpgrade(request, socket, head, (ws) => trainers.connect(ws));
    }
    const token = identity.tokenOf(request);
    if (!token) return answerRaw(socket, 'UNAUTHENTICATED');
    const client = clientOf(request);
    const refused = limits.admitSocket(client, Date.now());
    if (refused) return answerRaw(socket, refused);
    socket.once('close', () => limits.socketClosed(client));
    // A code on the socket is a join attempt for the limits (it may hand out a workshop's
    // session); past them it is ignored and the page gets an ordinary sandbox.
    const typed = url.searchParams.get(WS_JOIN_PARAM);
    const joinCode = typed !== null && limits.allowJoin(client, Date.now()) ? typed : undefined;
    wss.handleUpgrade(request, socket, head, (ws) => hub.connect(ws, learnerKey(token), client, joinCode));
  }

  /** Logs an error that escaped a handler, with its request; the process goes on. */
  function escaped(request: IncomingMessage, id: string, error: unknown): void {
    const what = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const learner = learnerOf(identity.tokenOf(request))?.slice(0, 8);
    log(`request ${request.method ?? '?'} ${(request.url ?? '').slice(0, 200)} failed: ${what}`, { request: id, learner, level: 'error' });
  }

  /** Runs a request handler under the guard: logged with an id, and never fatal. */
  const guarded = (handler: (request: IncomingMessage, response: ServerResponse) => void) => (request: IncomingMessage, response: ServerResponse) => {
    const id = requestId();
    response.setHeader('X-Request-Id', id);
    response.once('finish', () =>
      log(`${request.method ?? '?'} ${(request.url ?? '').slice(0, 200)} ${response.statusCode}`, { request: id, level: 'debug' }),
    );
    try {
      handler(request, response);
    } catch (error) {
      escaped(request, id, error);
      if (!response.headersSent) sendError(response, 'INTERNAL_ERROR');
      else response.destroy();
    }
  };

  function guardedServer(
    onRequest: (request: IncomingMessage, response: ServerResponse) => void,
    onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ) {
    const created = createServer(guarded(onRequest));
    created.headersTimeout = HEADERS_TIMEOUT_MS;
    created.maxHeadersCount = MAX_HEADERS_COUNT;
    created.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      try {
        onUpgrade(request, socket, head);
      } catch (error) {
        escaped(request, requestId(), error);
        answerRaw(socket, 'INTERNAL_ERROR');
      }
    });
    // CONNECT is not for Slipway (Node would drop the connection without a word).
    created.on('connect', (_request: IncomingMessage, socket: Duplex) => answerRaw(socket, 'INVALID_REQUEST'));
    // What Node's parser refuses (bad request lines, oversized or malformed headers) gets a
    // coded answer too, rather than a bare 400.
    created.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      answerRaw(socket, 'INVALID_REQUEST');
    });
    return created;
  }

  const server = guardedServer(handle, upgrade);
  // Previews on a port of their own: nothing of Slipway (page, API, socket) is served there.
  const previewServer =
    config.previewPort === undefined
      ? null
      : guardedServer(
          (request, response) => {
            if (!hostAllowed(request.headers.host, hosts)) return sendError(response, 'FORBIDDEN_HOST');
            if (preview.handles(request)) return preview.web(request, response);
            sendError(response, 'NOT_FOUND');
          },
          (request, socket, head) => {
            if (!hostAllowed(request.headers.host, hosts)) return answerRaw(socket, 'FORBIDDEN_HOST');
            if (preview.handles(request)) return preview.upgrade(request, socket, head);
            answerRaw(socket, 'NOT_FOUND');
          },
        );

  return {
    server,
    previewServer,
    hub,
    async listen(): Promise<string> {
      if (previewServer) await listenOn(previewServer, config.previewPort!, config.host);
      await listenOn(server, config.port, config.host);
      const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
      return `http://${shownHost}:${config.port}`;
    },
    ended(learner: string, reason: EndReason): void {
      hub.ended(learner, reason);
    },
    ending(learner: string, inMs: number): void {
      hub.ending(learner, inMs);
    },
    async close(): Promise<void> {
      hub.closeAll('SHUTTING_DOWN');
      trainers?.closeAll();
      wss.close();
      const servers = previewServer ? [server, previewServer] : [server];
      const closed = Promise.all(servers.map((each) => new Promise<void>((resolve) => each.close(() => resolve()))));
      // Browsers keep idle connections open; and a page gets a moment to receive its close
      // frame before whatever is left (sockets, previews) is cut.
      for (const each of servers) each.closeIdleConnections();
      const cut = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
        for (const each of servers) each.closeAllConnections();
      }, CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
    },
  };
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** The same preview path on the preview port, on the host name the learner used. */
function redirectToPreviewPort(request: IncomingMessage, response: ServerResponse, previewPort: number): void {
  const name = hostName(request.headers.host) ?? 'localhost';
  const host = name.includes(':') ? `[${name}]` : name;
  const scheme = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  response.writeHead(307, { Location: `${scheme}://${host}:${previewPort}${request.url ?? '/'}`, 'Cache-Control': 'no-store' });
  response.end();
}

const requestId = () => randomBytes(6).toString('base64url');

const isTrainerPath = (pathname: string) =>
  pathname === TRAINER_PAGE_PATH || pathname.startsWith(`${TRAINER_PAGE_PATH}/`) || pathname === TRAINER_API || pathname.startsWith(`${TRAINER_API}/`);

/** `GET /api/trainer/workshops/<id>/results.csv` (or `.json`). */
function trainerResults(url: URL, workshops: Workshops): { type: string; body: string; file: string } | null {
  const match = /^\/api\/trainer\/workshops\/([A-Za-z0-9_-]{8,24})\/results\.(csv|json)$/.exec(url.pathname);
  if (!match) return null;
  const format = match[2] as 'csv' | 'json';
  const results = workshops.results(match[1]!, format);
  return results && { ...results, file: `workshop-${match[1]}-results.${format}` };
}

const learnerOf = (token: string | null) => (token ? learnerKey(token) : null);

/** `Secure` when configured, or (auto) when learners reach Slipway over https. */
function cookieSecure(config: Config, request: IncomingMessage): boolean {
  if (config.cookieSecure !== 'auto') return config.cookieSecure === 'on';
  return config.publicUrl?.startsWith('https:') === true || request.headers['x-forwarded-proto'] === 'https';
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, code: ErrorCode): void {
  sendJson(response, ERRORS[code].status, { error: code, message: ERRORS[code].message });
}

/** A raw HTTP answer on a socket no response object owns (an upgrade, a parse error). */
function answerRaw(socket: Duplex, code: ErrorCode): void {
  if (!socket.writable) return void socket.destroy();
  const { status, message } = ERRORS[code];
  const body = JSON.stringify({ error: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Vite names what it builds under /assets/ by a hash of the content, so those files never
 * change and a browser may keep them for good; the page itself must be asked for each time
 * (an ETag makes that a 304), or a new build's page would name assets a cached one lacks.
 */
export function staticCaching(pathname: string): string {
  return pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}
