import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardLink, isTrainer, loadTrainerToken, tokenMatches, trainerCookie } from './trainer-auth';

const TOKEN = 'a-trainer-token-of-enough-length';

describe('trainer access', () => {
  it('uses the configured token, else makes one once and keeps it readable by Slipway only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-trainer-'));
    expect(loadTrainerToken(dir, TOKEN)).toBe(TOKEN);
    const made = loadTrainerToken(dir);
    expect(made).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(loadTrainerToken(dir)).toBe(made);
    expect(readFileSync(path.join(dir, 'trainer-token'), 'utf8').trim()).toBe(made);
    expect(statSync(path.join(dir, 'trainer-token')).mode & 0o777).toBe(0o600);
  });

  it('admits the trainer cookie or a bearer header with the token, and nothing else', () => {
    const cookie = trainerCookie(TOKEN, false).split(';')[0]!;
    expect(isTrainer({ headers: { cookie } }, TOKEN)).toBe(true);
    expect(isTrainer({ headers: { authorization: `Bearer ${TOKEN}` } }, TOKEN)).toBe(true);
    expect(isTrainer({ headers: {} }, TOKEN)).toBe(false);
    // A learner's cookie, a wrong token, a prefix of the right one.
    expect(isTrainer({ headers: { cookie: 'slipway_learner=abc.def' } }, TOKEN)).toBe(false);
    expect(isTrainer({ headers: { cookie: 'slipway_trainer=wrong' } }, TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(isTrainer({ headers: { cookie: '%%%=;;' } }, TOKEN)).toBe(false);
  });

  it('sets an HttpOnly, same-site cookie from the printed link', () => {
    expect(trainerCookie(TOKEN, true)).toMatch(/HttpOnly/);
    expect(trainerCookie(TOKEN, true)).toMatch(/SameSite=Strict/);
    expect(trainerCookie(TOKEN, true)).toMatch(/Secure/);
    expect(dashboardLink('http://localhost:8080', TOKEN)).toBe(`http://localhost:8080/trainer?token=${TOKEN}`);
  });
});
