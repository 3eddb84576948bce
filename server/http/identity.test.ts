import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { COOKIE_NAME, newToken, tokenCookie, tokenOf } from './identity';
import { originAllowed } from './origin';

const withCookie = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as IncomingMessage;

describe('learner token', () => {
  it('is fresh and unguessable each time', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(a);
  });
  it('is read back from the cookie it was issued in', () => {
    const token = newToken();
    const cookie = tokenCookie(token, false).split(';')[0]!;
    expect(tokenOf(withCookie(`other=1; ${cookie}`))).toBe(token);
  });
  it('is HttpOnly and SameSite', () => {
    expect(tokenCookie(newToken(), true)).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/);
    expect(tokenCookie(newToken(), true)).toContain('Secure');
  });
  it('rejects missing and malformed tokens', () => {
    expect(tokenOf(withCookie())).toBeNull();
    expect(tokenOf(withCookie(`${COOKIE_NAME}=short`))).toBeNull();
    expect(tokenOf(withCookie(`${COOKIE_NAME}=${'x'.repeat(31)};`))).toBeNull();
  });
});

describe('originAllowed', () => {
  it('allows the page own origin', () => {
    expect(originAllowed('http://localhost:8080', 'localhost:8080', [])).toBe(true);
  });
  it('refuses other sites, missing origins and odd schemes', () => {
    expect(originAllowed('http://evil.example', 'localhost:8080', [])).toBe(false);
    expect(originAllowed(undefined, 'localhost:8080', [])).toBe(false);
    expect(originAllowed('file://localhost:8080', 'localhost:8080', [])).toBe(false);
    expect(originAllowed('not a url', 'localhost:8080', [])).toBe(false);
  });
  it('allows origins the operator lists', () => {
    expect(originAllowed('https://workshop.example', 'slipway:8080', ['https://workshop.example'])).toBe(true);
  });
});
