/**
 * Malformed HTTP requests and WebSocket frames, from a seeded generator (so a failure can
 * be replayed), and a DNS-rebinding page's requests, for the fuzz tests
 * (server/http/fuzz.test.ts, e2e/hostile.spec.ts) and the soak (e2e/bench/soak.ts).
 */
import { rawRequest, statusOf } from './http-app';

/** A small seeded generator. */
export function seeded(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fff_ffff;
    return state / 0x8000_0000;
  };
  return { pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!, int: (max: number) => Math.floor(next() * max) };
}

const paths = (r: Random) => [
  '/api/lessons/%E0',
  '/api/lessons/%',
  `/api/lessons/${'%FF'.repeat(1 + r.int(50))}`,
  '/%E0%A4%A',
  '/%00',
  `${'/..'.repeat(1 + r.int(10))}/etc/passwd`,
  `${'/%2e%2e'.repeat(1 + r.int(10))}/etc/passwd`,
  '/preview/%E0/1/',
  '/preview/node1/99999/',
  '/preview/node1/2375/',
  '/ws?%E0',
  '/api/health?%E0=%E0',
  `/${'a'.repeat(r.int(30_000))}`,
  '*',
  'http://elsewhere.example/',
  '//double',
];
const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'BREW', 'get', 'HEAD'];
const headerSets = (r: Random, port: number) => [
  `Host: 127.0.0.1:${port}`,
  `Host: evil.example:${port}`,
  '',
  `Host: 127.0.0.1:${port}\r\nX-Big: ${'b'.repeat(r.int(40_000))}`,
  `Host: 127.0.0.1:${port}\r\n${'X-R: 1\r\n'.repeat(r.int(4000))}`.trimEnd(),
  `Host: 127.0.0.1:${port}\r\nCookie: slipway_learner=%E0; slipway_learner=${'x'.repeat(32)}`,
  `Host: 127.0.0.1:${port}\r\nContent-Length: -1`,
  `Host: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
];

/** The status a raw request is answered with: 0 for none within 15 s. */
export async function answered(port: number, text: string): Promise<number> {
  const answer = await Promise.race([
    rawRequest(port, text),
    new Promise<string>((resolve) => setTimeout(() => resolve('TIMEOUT'), 15_000)),
  ]);
  return statusOf(answer);
}

export type Random = ReturnType<typeof seeded>;

/** `count` raw requests: bad percent-encoding, traversal, odd methods, huge and repeated headers. */
export function malformedRequests(r: Random, port: number, count: number): string[] {
  return Array.from({ length: count }, () => {
    const headers = r.pick(headerSets(r, port));
    return `${r.pick(methods)} ${r.pick(paths(r))} HTTP/1.1\r\n${headers}${headers === '' || headers.endsWith('\r\n') ? '' : '\r\n'}Connection: close\r\n\r\n`;
  });
}

/** Control messages a server must answer with INVALID_MESSAGE, every one. */
export const malformedFrames = [
  'not json',
  '{"type":',
  JSON.stringify({ type: 'resize', channel: 300, cols: 1e9, rows: -1 }),
  JSON.stringify({ type: 'ack', channel: 0, bytes: 'many' }),
  JSON.stringify({ type: 'launch' }),
  JSON.stringify({ type: 'node-remove', node: '../node1' }),
  JSON.stringify({ type: 'explorer-details', node: 'node1', kind: 'nope', id: '' }),
  JSON.stringify({ type: 'logs-follow', node: 'node1', container: '' }),
  JSON.stringify({ type: 'lesson-select', lessonId: '%E0', stepId: 7 }),
  JSON.stringify([1, 2, 3]),
  'null',
];

/** A page under a foreign host name that resolves to Slipway (DNS rebinding): its page request and socket upgrade, both to be refused with 421. */
export function rebindingRequests(port: number, cookie: string): { page: string; upgrade: string } {
  const host = `rebind.example:${port}`;
  return {
    page: `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    upgrade: `GET /ws HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nCookie: ${cookie}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  };
}
