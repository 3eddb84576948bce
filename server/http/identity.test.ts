import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COOKIE_NAME, createIdentity, loadIdentityKey, tokenCookie } from './identity';

const withCookie = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as IncomingMessage;
const identity = createIdentity(Buffer.alloc(32, 7));

describe('learner token', () => {
  it('is fresh and unguessable each time', () => {
    const a = identity.issue();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}$/);
    expect(identity.issue()).not.toBe(a);
  });
  it('is read back from the cookie it was issued in', () => {
    const token = identity.issue();
    const cookie = tokenCookie(token, false).split(';')[0]!;
    expect(identity.tokenOf(withCookie(`other=1; ${cookie}`))).toBe(token);
  });
  it('is HttpOnly and SameSite, and Secure when asked', () => {
    expect(tokenCookie(identity.issue(), true)).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/);
    expect(tokenCookie(identity.issue(), true)).toContain('Secure');
    expect(tokenCookie(identity.issue(), false)).not.toContain('Secure');
  });
  it('rejects missing, malformed, client-chosen and forged tokens', () => {
    const token = identity.issue();
    const [nonce, signature] = token.split('.') as [string, string];
    expect(identity.tokenOf(withCookie())).toBeNull();
    expect(identity.tokenOf(withCookie(`${COOKIE_NAME}=short`))).toBeNull();
    // The unsigned form earlier versions issued, which a client could choose.
    expect(identity.tokenOf(withCookie(`${COOKIE_NAME}=${'x'.repeat(32)}`))).toBeNull();
    expect(identity.tokenOf(withCookie(`${COOKIE_NAME}=${'x'.repeat(32)}.${signature}`))).toBeNull();
    expect(identity.tokenOf(withCookie(`${COOKIE_NAME}=${nonce}.${'A'.repeat(22)}`))).toBeNull();
    expect(identity.tokenOf(withCookie(`${COOKIE_NAME}=%E0`))).toBeNull();
  });
  it('is only valid for the key that signed it', () => {
    const other = createIdentity(Buffer.alloc(32, 8));
    expect(other.verify(identity.issue())).toBe(false);
  });
});

describe('the signing key', () => {
  it('is made once in the state directory, readable by Slipway only, and kept', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-key-'));
    const key = loadIdentityKey(dir);
    expect(key).toHaveLength(32);
    expect(statSync(path.join(dir, 'cookie-key')).mode & 0o777).toBe(0o600);
    expect(loadIdentityKey(dir).equals(key)).toBe(true);
    expect(readFileSync(path.join(dir, 'cookie-key')).equals(key)).toBe(true);
  });
});
