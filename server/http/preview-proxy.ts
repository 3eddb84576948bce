/**
 * The port preview: `/preview/<node>/<hostPort>/<path>` is forwarded (HTTP, and WebSocket
 * upgrades) to `<sandbox address>:<hostPort>/<path>`, where the learner's inner engine
 * publishes their containers' ports. Only the sandbox's owner gets through; anybody else
 * gets NOT_FOUND, exactly as for a sandbox or node that does not exist, so the answer never
 * says whether a preview exists.
 *
 * What is adjusted on the way:
 * - the `slipway_learner` cookie is removed before the request reaches the learner's
 *   container, and a `Set-Cookie` for it coming back is dropped (it would replace the
 *   learner's identity, the path being the same origin);
 * - hop-by-hop headers are dropped; `X-Forwarded-For/-Host/-Proto/-Prefix` are set;
 * - a redirect to an absolute path (`Location: /dir/`) is put back under the prefix;
 * - nothing answering (refused, reset, no connection within CONNECT_TIMEOUT_MS) gets a short
 *   HTML page saying so, never a hang.
 * Slipway's own security headers are not added: the page is the learner's app, not Slipway's.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ERROR_TEXTS, ERRORS, PREVIEW_PREFIX, langTag, type ErrorCode, type Locale } from '../protocol';
import { translator } from '../common/i18n';
import type { Sandbox } from '../sandbox/manager';
import { INNER_ENGINE_PORT, sandboxAddress } from '../session/inner-engine';
import { COOKIE_NAME } from './identity';
import { requestLocale } from './request-locale';

export const PREVIEW_TIMING = {
  /** A port that accepts no connection within this long is reported as not answering. */
  CONNECT_TIMEOUT_MS: 3000,
  /** A connected app that sends no response headers within this long is reported too. */
  RESPONSE_TIMEOUT_MS: 15_000,
  /** How long a sandbox's address is reused before it is looked up again. */
  ADDRESS_TTL_MS: 60_000,
} as const;

/** Ports the preview never forwards to: the inner engine's API. */
const BLOCKED_PORTS = new Set([INNER_ENGINE_PORT, INNER_ENGINE_PORT + 1]);

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade'];

export interface PreviewTarget {
  node: string;
  port: number;
  /** The path (and query) on the learner's app, always starting with `/`. */
  path: string;
  /** `/preview/<node>/<port>`, without the trailing slash. */
  prefix: string;
}

/** Parses `/preview/node1/8080/a/b?c`; null when it is not a preview path or the port is not one. */
export function parsePreviewUrl(rawUrl: string): PreviewTarget | null {
  const match = /^\/preview\/([A-Za-z0-9_-]{1,64})\/(\d{1,5})(\/[^?#]*)?(\?[^#]*)?/.exec(rawUrl);
  if (!match) return null;
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return null;
  return { node: match[1]!, port, path: `${match[3] ?? '/'}${match[4] ?? ''}`, prefix: `${PREVIEW_PREFIX}/${match[1]}/${port}` };
}

export const isPreviewUrl = (rawUrl: string) => rawUrl === PREVIEW_PREFIX || rawUrl.startsWith(`${PREVIEW_PREFIX}/`);

/** The Cookie header without Slipway's own cookie; undefined when nothing is left. */
export function withoutLearnerCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const kept = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part && part.split('=')[0]!.trim() !== COOKIE_NAME);
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/** Puts a redirect to an absolute path of the app (or of this host) back under the prefix. */
export function rewriteLocation(location: string, prefix: string, host: string | undefined): string {
  if (location.startsWith('/') && !location.startsWith('//')) return `${prefix}${location}`;
  try {
    const url = new URL(location);
    if (host && url.host === host && !url.pathname.startsWith(`${prefix}/`)) return `${prefix}${url.pathname}${url.search}${url.hash}`;
  } catch {
    // a relative location: it stays under the prefix by itself
  }
  return location;
}

/** Request headers for the learner's app. */
export function forwardHeaders(request: IncomingMessage, target: PreviewTarget, upgrade: boolean): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...request.headers };
  const named = (headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase());
  for (const name of [...HOP_BY_HOP, ...named]) if (name) delete headers[name];
  const cookie = withoutLearnerCookie(request.headers.cookie);
  if (cookie) headers.cookie = cookie;
  else delete headers.cookie;
  const client = request.socket.remoteAddress ?? '';
  const previous = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = previous ? `${String(previous)}, ${client}` : client;
  headers['x-forwarded-host'] = request.headers.host ?? '';
  headers['x-forwarded-proto'] = (request.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  headers['x-forwarded-prefix'] = target.prefix;
  if (upgrade) {
    headers.connection = 'Upgrade';
    headers.upgrade = request.headers.upgrade ?? 'websocket';
  }
  return headers;
}

/**
 * Served from Slipway's own origin, the learner's app is sandboxed: an opaque origin, so
 * its scripts cannot use Slipway's WebSocket or API as the learner (both check the Origin,
 * and the learner's SameSite cookie is not sent for an opaque origin). The price: the
 * scripts and styles it loads come without the cookie, so only one-file pages work. On a
 * preview port of its own (SLIPWAY_PREVIEW_PORT) the app is cross-origin with Slipway
 * already, and is served as it is.
 */
const PREVIEW_SANDBOX_POLICY = 'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads';

/** Cookies are shared across ports of a host: an app must not clear Slipway's. */
const DROPPED_RESPONSE_HEADERS = [...HOP_BY_HOP, 'clear-site-data'];

function responseHeaders(response: IncomingMessage, target: PreviewTarget, host: string | undefined, ownOrigin: boolean): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || DROPPED_RESPONSE_HEADERS.includes(name)) continue;
    if (name === 'location' && typeof value === 'string') headers[name] = rewriteLocation(value, target.prefix, host);
    else if (name === 'set-cookie' && Array.isArray(value)) {
      const kept = value.filter((cookie) => cookie.split('=')[0]!.trim() !== COOKIE_NAME);
      if (kept.length > 0) headers[name] = kept;
    } else headers[name] = value;
  }
  // Every policy given is enforced, so the app's own policy (if any) still holds as well.
  if (!ownOrigin) headers['content-security-policy'] = [headers['content-security-policy'] ?? []].flat().concat(PREVIEW_SANDBOX_POLICY);
  return headers;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string, locale: Locale): string {
  return `<!doctype html><html lang="${langTag(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}code{background:#f1f3f5;padding:.1em .3em;border-radius:3px}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/**
 * What a port that answers nothing shows, in the learner's language. The catalog's texts are
 * Slipway's own; only what they are filled with is escaped.
 */
export function notListeningPage(port: number, error: NodeJS.ErrnoException, locale: Locale): string {
  const say = translator(locale);
  const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
  return page(
    say('preview.notAnsweringTitle', { port }),
    `<p>${say('preview.notListening', { port, reason: escapeHtml(describe(error, locale)) })}</p>
<p>${say('preview.startOne', { example: code(`docker run -d -p ${port}:80 nginx`), check: code('docker ps') })}</p>`,
    locale,
  );
}

const wantsHtml = (request: IncomingMessage) => /text\/html/.test(request.headers.accept ?? '');

/** A catalog error, as HTML for a browser tab and as JSON otherwise. */
export function sendCatalogError(request: IncomingMessage, response: ServerResponse, code: ErrorCode): void {
  const { status, message } = ERRORS[code];
  if (wantsHtml(request)) {
    const locale = requestLocale(request.headers);
    const text = ERROR_TEXTS[locale][code];
    response.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(page(text, `<p>${escapeHtml(text)}</p>`, locale));
  } else {
    response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify({ error: code, message }));
  }
}

function rawResponse(socket: Duplex, status: number, reason: string, contentType: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function describe(error: NodeJS.ErrnoException, locale: Locale): string {
  const say = translator(locale);
  switch (error.code) {
    case 'ECONNREFUSED':
      return say('preview.refused');
    case 'ECONNRESET':
      return say('preview.closed');
    case 'ETIMEDOUT':
      return say('preview.noAnswer');
    default:
      return error.message;
  }
}

/** Limits how long connecting, then waiting for response headers, may take. */
function guard(request: ReturnType<typeof httpRequest>): void {
  const timer = setTimeout(() => request.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })), PREVIEW_TIMING.CONNECT_TIMEOUT_MS);
  let responseTimer: ReturnType<typeof setTimeout> | undefined;
  request.once('socket', (socket: Socket) => {
    const connected = () => {
      clearTimeout(timer);
      responseTimer = setTimeout(
        () => request.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
        PREVIEW_TIMING.RESPONSE_TIMEOUT_MS,
      );
    };
    if (socket.connecting) socket.once('connect', connected);
    else connected();
  });
  const done = () => {
    clearTimeout(timer);
    clearTimeout(responseTimer);
  };
  request.once('response', done);
  request.once('upgrade', done);
  request.once('error', done);
  request.once('close', done);
}

export interface PreviewProxyOptions {
  /** The learner's node of that name, if their session holds it. */
  sandboxOf(learner: string, node: string): Sandbox | undefined;
  /** The learner key of the request's valid cookie, or null. */
  learnerOf(request: IncomingMessage): string | null;
  /** Where the sandbox's published ports are reachable; `sandboxAddress` by default. */
  addressOf?: (sandbox: Sandbox) => Promise<string>;
  /** Whether previews are served on an origin of their own (a preview port), not Slipway's. */
  ownOrigin?: boolean;
  log: (line: string) => void;
}

export function createPreviewProxy({ sandboxOf, learnerOf, addressOf = sandboxAddress, ownOrigin = false, log }: PreviewProxyOptions) {
  const addresses = new Map<string, { address: string; at: number }>();

  /** The learner's own sandbox address for this target, or null (answered as NOT_FOUND). */
  async function resolve(request: IncomingMessage, target: PreviewTarget): Promise<string | null> {
    const learner = learnerOf(request);
    if (!learner || BLOCKED_PORTS.has(target.port)) return null;
    const sandbox = sandboxOf(learner, target.node);
    if (!sandbox) return null;
    const cached = addresses.get(sandbox.id);
    if (cached && Date.now() - cached.at < PREVIEW_TIMING.ADDRESS_TTL_MS) return cached.address;
    try {
      const address = await addressOf(sandbox);
      addresses.set(sandbox.id, { address, at: Date.now() });
      return address;
    } catch (error) {
      log(`preview: no address for ${sandbox.name} (${(error as Error).message})`);
      return null;
    }
  }

  async function web(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = parsePreviewUrl(request.url ?? '');
    const address = target && (await resolve(request, target));
    if (!target || !address) return sendCatalogError(request, response, 'NOT_FOUND');
    // `/preview/node1/8080` → `/preview/node1/8080/`, so the app's relative links resolve.
    if (!/^\/preview\/[^/]+\/\d+\//.test(request.url ?? '')) {
      response.writeHead(308, { Location: `${target.prefix}${target.path}` });
      response.end();
      return;
    }
    const host = request.headers.host;
    const upstream = httpRequest({
      host: address,
      port: target.port,
      method: request.method,
      path: target.path,
      headers: forwardHeaders(request, target, false),
    });
    guard(upstream);
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer, target, host, ownOrigin));
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      response.writeHead(502, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(notListeningPage(target.port, error, requestLocale(request.headers)));
    });
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  }

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const target = parsePreviewUrl(request.url ?? '');
    const address = target && (await resolve(request, target));
    if (!target || !address) {
      const { status, message } = ERRORS.NOT_FOUND;
      return rawResponse(socket, status, 'NOT_FOUND', 'application/json', JSON.stringify({ error: 'NOT_FOUND', message }));
    }
    if (head.length > 0) socket.unshift(head);
    const upstream = httpRequest({
      host: address,
      port: target.port,
      method: request.method,
      path: target.path,
      headers: forwardHeaders(request, target, true),
    });
    guard(upstream);
    upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
      const lines = [`HTTP/1.1 ${answer.statusCode ?? 101} ${answer.statusMessage ?? 'Switching Protocols'}`];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        if (answer.rawHeaders[i]!.toLowerCase() === 'set-cookie' && answer.rawHeaders[i + 1]!.startsWith(`${COOKIE_NAME}=`)) continue;
        lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      upstreamSocket.on('error', () => socket.destroy());
      socket.on('error', () => upstreamSocket.destroy());
      socket.on('close', () => upstreamSocket.destroy());
      upstreamSocket.on('close', () => socket.destroy());
      upstreamSocket.pipe(socket).pipe(upstreamSocket);
    });
    upstream.on('response', (answer) => {
      // The app refused the upgrade: relay its answer as it is.
      const lines = [`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}`];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      answer.pipe(socket);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      rawResponse(socket, 502, 'Bad Gateway', 'text/html; charset=utf-8', notListeningPage(target.port, error, requestLocale(request.headers)));
    });
    upstream.end();
  }

  return {
    handles: (request: IncomingMessage) => isPreviewUrl(request.url ?? ''),
    web(request: IncomingMessage, response: ServerResponse): void {
      web(request, response).catch((error: Error) => {
        log(`preview: ${error.message}`);
        if (!response.headersSent) sendCatalogError(request, response, 'NOT_FOUND');
        else response.destroy();
      });
    },
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      upgrade(request, socket, head).catch((error: Error) => {
        log(`preview: ${error.message}`);
        socket.destroy();
      });
    },
  };
}
