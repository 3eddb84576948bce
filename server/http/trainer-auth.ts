/**
 * The trainer's access: one token, from SLIPWAY_TRAINER_TOKEN or else made once and kept in
 * `$SLIPWAY_STATE_DIR/trainer-token` (mode 0600). The dashboard link printed at start carries
 * it (`/trainer?token=…`); opening it sets the HttpOnly `slipway_trainer` cookie and redirects
 * to a URL without it. Every trainer route and the trainer socket require that cookie (or
 * `Authorization: Bearer <token>` for scripts); anything else gets FORBIDDEN.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { parse, serialize } from 'cookie';
import { TRAINER_PAGE_PATH } from '../protocol/workshops';

export const TRAINER_COOKIE = 'slipway_trainer';
const TOKEN_FILE = 'trainer-token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{24,128}$/;
const TWELVE_HOURS_S = 12 * 3600;

/** The configured token, else the kept one, else a new one kept for the next start. */
export function loadTrainerToken(stateDir: string, configured?: string): string {
  if (configured) return configured;
  const file = path.join(stateDir, TOKEN_FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (TOKEN_PATTERN.test(kept)) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(stateDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** Compared as hashes, in constant time, so neither its length nor its content leaks. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** The token a request carries: the trainer cookie, or a bearer header. */
export function trainerTokenOf(request: Pick<IncomingMessage, 'headers'>): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1];
  try {
    return parse(request.headers.cookie ?? '')[TRAINER_COOKIE];
  } catch {
    return undefined;
  }
}

export const isTrainer = (request: Pick<IncomingMessage, 'headers'>, token: string) => tokenMatches(trainerTokenOf(request), token);

export function trainerCookie(token: string, secure: boolean): string {
  return serialize(TRAINER_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: TWELVE_HOURS_S });
}

export const dashboardLink = (baseUrl: string, token: string) => `${baseUrl}${TRAINER_PAGE_PATH}?token=${encodeURIComponent(token)}`;
