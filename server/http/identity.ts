/**
 * A learner is identified by an unguessable token in an HttpOnly cookie, issued with the
 * page. Only a hash of it ever reaches the engine (see sandbox/spec.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse, serialize } from 'cookie';

export const COOKIE_NAME = 'slipway_learner';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;
const ONE_YEAR_S = 365 * 24 * 3600;

export const newToken = () => randomBytes(24).toString('base64url');

/** The request's token if it carries a well-formed one. */
export function tokenOf(request: IncomingMessage): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  const token = parse(header)[COOKIE_NAME];
  return token && TOKEN_PATTERN.test(token) ? token : null;
}

export function tokenCookie(token: string, secure: boolean): string {
  return serialize(COOKIE_NAME, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: ONE_YEAR_S,
  });
}
