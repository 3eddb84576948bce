/**
 * Slipway's log: one JSON line per event (pino), at SLIPWAY_LOG_LEVEL. Lines about one
 * learner carry their short learner key, lines about one HTTP request its request id.
 * Learner and trainer tokens never appear: a token-shaped string in a message or field is replaced
 * before the line is written, and cookie headers are redacted.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogContext {
  /** The learner key's first 8 hex digits (never the token). */
  learner?: string;
  /** The HTTP request's id (also sent as X-Request-Id). */
  request?: string;
  level?: 'error' | 'warn' | 'info' | 'debug';
}

/** Every module logs through this: a message, and what it is about. */
export type Log = (line: string, context?: LogContext) => void;

/**
 * A signed learner token (see http/identity.ts), or an unsigned one of an older version; the
 * trainer's token in its cookie, in the dashboard link's query or in a bearer header.
 */
const TOKEN = /[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}|slipway_(?:learner|trainer)=[^;\s]*|[?&]token=[^&\s]*|Bearer\s+\S+/g;

export const withoutTokens = (text: string) => text.replace(TOKEN, '[token]');

export function createLog(level: LogLevel, destination?: DestinationStream): { log: Log; logger: Logger } {
  const logger = pino(
    {
      level,
      base: { service: 'slipway' },
      redact: { paths: ['headers.cookie', 'req.headers.cookie', '*.cookie', 'token'], censor: '[token]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? withoutTokens(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  const log: Log = (line, context = {}) => {
    const { level: lineLevel = 'info', ...fields } = context;
    logger[lineLevel](fields, line);
  };
  return { log, logger };
}
