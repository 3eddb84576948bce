/**
 * A learner is identified by a token in an HttpOnly cookie, issued with the page. The
 * server signs each token it issues (HMAC-SHA256 with a key kept in the state directory),
 * so a client cannot choose its own token (and with it a learner key it could predict);
 * a token without a valid signature is never used, and the page gets a fresh one. Only a
 * hash of a token ever reaches the engine (see sandbox/spec.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { parse, serialize } from 'cookie';

export const COOKIE_NAME = 'slipway_learner';
/** `<32 characters of randomness>.<22 characters of signature>`. */
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{22})$/;
const ONE_YEAR_S = 365 * 24 * 3600;
const KEY_FILE = 'cookie-key';
const KEY_BYTES = 32;

export interface Identity {
  /** A fresh signed token. */
  issue(): string;
  /** The request's token if it carries one this server signed. */
  tokenOf(request: IncomingMessage): string | null;
  /** Whether this text is a token this server signed. */
  verify(token: string): boolean;
}

export function createIdentity(key: Buffer): Identity {
  const sign = (nonce: string) => createHmac('sha256', key).update(nonce).digest().subarray(0, 16).toString('base64url');
  const verify = (token: string) => {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return false;
    const expected = Buffer.from(sign(match[1]!));
    const given = Buffer.from(match[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  return {
    issue() {
      const nonce = randomBytes(24).toString('base64url');
      return `${nonce}.${sign(nonce)}`;
    },
    verify,
    tokenOf(request) {
      const header = request.headers.cookie;
      if (!header) return null;
      let token: string | undefined;
      try {
        token = parse(header)[COOKIE_NAME];
      } catch {
        return null;
      }
      return token && verify(token) ? token : null;
    },
  };
}

/** The signing key in `<stateDir>/cookie-key`, made on first use; readable by Slipway only. */
export function loadIdentityKey(stateDir: string): Buffer {
  const file = path.join(stateDir, KEY_FILE);
  try {
    const key = readFileSync(file);
    if (key.length === KEY_BYTES) return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(stateDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
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
