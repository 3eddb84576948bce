/**
 * A learner is root in their sandbox and may replace its engine with their own program on
 * port 2375, so everything Slipway reads there is bounded: every call has a deadline (the
 * whole answer for a list or inspect; the response headers for a stream), an answer's body
 * has a size cap, and a stream's consumers cap their lines and frames (engine-state/event-stream.ts,
 * explorer/demux.ts) through `reportMisbehaviour`. A breach fails that one call and tells
 * the session, which marks the node degraded on the page; the server goes on.
 *
 * It works under dockerode, at its modem's `dial`, so every call (explorer, checks,
 * details, logs) goes through it without each call site remembering a limit.
 */
import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import type DockerModem from 'docker-modem';

export const INNER_ENGINE_LIMITS = {
  /** A connection to the inner engine must be made within this long. */
  CONNECT_TIMEOUT_MS: 5000,
  /** A list, inspect or info must be answered completely within this long. */
  REQUEST_TIMEOUT_MS: 15_000,
  /** A stream (events, logs) must start (send its headers) within this long. */
  STREAM_START_TIMEOUT_MS: 15_000,
  /** The largest answer read: far above any real list on a sandbox's storage. */
  MAX_BODY_BYTES: 16 * 1024 * 1024,
  /** The longest `/events` line: a real event is a few KiB. */
  MAX_EVENT_LINE_BYTES: 256 * 1024,
  /** The largest multiplexed log frame: the engine splits lines at 16 KiB. */
  MAX_LOG_FRAME_BYTES: 1024 * 1024,
};
export type InnerEngineLimits = typeof INNER_ENGINE_LIMITS;

/** A call that broke a limit; its message says which, in words for the page. */
export class InnerEngineMisbehaved extends Error {
  override name = 'InnerEngineMisbehaved';
}

const reporters = new WeakMap<Docker, (reason: string) => void>();

/** Tells the engine's session that it broke a limit (a stream consumer found it). */
export function reportMisbehaviour(engine: Docker, reason: string): void {
  reporters.get(engine)?.(reason);
}

/** Every status is handed back to `bounded` here, which reads error bodies with the same cap. */
const EVERY_STATUS = new Proxy({}, { get: () => true }) as DockerModem.StatusCodes;

export function boundEngine(engine: Docker, onMisbehaviour: (reason: string) => void, limits: InnerEngineLimits = INNER_ENGINE_LIMITS): Docker {
  reporters.set(engine, onMisbehaviour);
  const modem = engine.modem as DockerModem & { connectionTimeout?: number };
  modem.connectionTimeout = limits.CONNECT_TIMEOUT_MS;
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    // Attaching (exec, attach) hands back a raw socket, not an answer to bound; Slipway never
    // attaches to an inner engine (shells and probes go through the host's engine).
    if (options.hijack || options.openStdin) return dial(options, callback);
    const streaming = options.isStream === true;
    const controller = new AbortController();
    let done = false;
    const finish = (error: Error | null, result: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error instanceof InnerEngineMisbehaved) {
        controller.abort();
        onMisbehaviour(error.message);
      }
      callback?.(error, result as Buffer);
    };
    const deadline = streaming ? limits.STREAM_START_TIMEOUT_MS : limits.REQUEST_TIMEOUT_MS;
    const timer = setTimeout(
      () => finish(new InnerEngineMisbehaved(`the engine did not answer ${options.method ?? 'GET'} ${pathOf(options.path)} within ${deadline / 1000} s`), null),
      deadline,
    );
    const statusCodes = options.statusCodes ?? {};
    dial({ ...options, isStream: true, statusCodes: EVERY_STATUS, abortSignal: controller.signal }, (error, result) => {
      if (error) return finish(error, null);
      const response = result as IncomingMessage;
      const ok = statusCodes[response.statusCode ?? 0] === true;
      if (streaming && ok) return finish(null, response);
      readBounded(response, limits.MAX_BODY_BYTES).then(
        (body) => (ok ? finish(null, parsed(body)) : finish(statusError(response, statusCodes, parsed(body)), null)),
        (reason: Error) => finish(reason, null),
      );
    });
  };
  return engine;
}

function readBounded(response: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        response.destroy();
        reject(new InnerEngineMisbehaved(`the engine sent an answer over ${max / 1024 / 1024} MiB`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('close', () => reject(new Error('the engine closed the connection mid-answer')));
  });
}

/** JSON when it is, else the bytes, as dockerode expects. */
function parsed(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
}

/** The error dockerode's own modem makes for an unexpected status (`statusCode`, `reason`, `json`). */
function statusError(response: IncomingMessage, statusCodes: DockerModem.StatusCodes, json: unknown): Error {
  const status = response.statusCode ?? 0;
  const reason = statusCodes[status];
  const cause = json && typeof json === 'object' && 'message' in json ? String(json.message) : Buffer.isBuffer(json) ? json.toString('utf8', 0, 200) : '';
  return Object.assign(new Error(`(HTTP code ${status}) ${typeof reason === 'string' ? reason : 'unexpected'} - ${cause}`), { statusCode: status, reason, json });
}

const pathOf = (path: string) => path.split('?')[0]!.slice(0, 100);
