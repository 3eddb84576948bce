import { describe, expect, test } from 'vitest';
import { en } from './i18n/en';
import { zh } from './i18n/zh';
import { ERRORS } from './protocol';
import { BACKOFF, backoffDelay, closeDecision, isStoppedState, sandboxStopScreen, stopScreenText } from './reconnect';

describe('backoffDelay', () => {
  const middle = () => 0.5;

  test('starts near 250 ms and doubles', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, middle))).toEqual([250, 500, 1000, 2000, 4000]);
  });

  test('never exceeds the maximum, even with jitter and many attempts', () => {
    for (const attempt of [5, 6, 20, 1000]) {
      expect(backoffDelay(attempt, () => 0.999)).toBeLessThanOrEqual(BACKOFF.MAX_MS);
    }
    expect(backoffDelay(1000, middle)).toBe(BACKOFF.MAX_MS);
  });

  test('jitters within ±20 %', () => {
    expect(backoffDelay(0, () => 0)).toBe(200);
    expect(backoffDelay(0, () => 1)).toBe(300);
  });
});

describe('closeDecision', () => {
  test.each([1001, 1006, 1011, 4400, 4999])('reconnects after %i', (code) => {
    expect(closeDecision(code).action).toBe('reconnect');
  });

  test('reconnects after a server restart and says why', () => {
    expect(closeDecision(ERRORS.SHUTTING_DOWN.close)).toEqual({ action: 'reconnect', reason: 'SHUTTING_DOWN' });
    expect(closeDecision(ERRORS.ENGINE_UNAVAILABLE.close).action).toBe('reconnect');
  });

  test.each([
    ['SANDBOX_EXPIRED', 'expired', 'reconnect'],
    ['SESSION_LIFETIME_ENDED', 'expired', 'reconnect'],
    ['SANDBOX_LIMIT_REACHED', 'full', 'reconnect'],
    ['SANDBOX_FAILED', 'failed', 'reconnect'],
    ['REPLACED', 'failed', 'reconnect'],
    ['UNAUTHENTICATED', 'failed', 'reload'],
    ['FORBIDDEN_ORIGIN', 'failed', 'reload'],
  ] as const)('stops on %s with state %s', (code, state, kind) => {
    const decision = closeDecision(ERRORS[code].close);
    if (decision.action !== 'stop') throw new Error(`expected stop, got ${decision.action}`);
    expect(decision.screen).toMatchObject({ state, reason: code, action: kind });
  });

  test('stops on a clean close', () => {
    expect(closeDecision(1000)).toMatchObject({ action: 'stop', screen: { reason: 'CLOSED' } });
  });
});

describe('sandbox states', () => {
  test('only expired, failed and full stop the app', () => {
    expect(['starting', 'ready', 'resetting', 'failed', 'expired', 'full'].filter((s) =>
      isStoppedState(s as never),
    )).toEqual(['failed', 'expired', 'full']);
  });

  test('a stop screen carries the server detail', () => {
    expect(sandboxStopScreen('expired')).toEqual({ state: 'expired', reason: 'SANDBOX_EXPIRED', action: 'reconnect' });
    expect(stopScreenText(en, sandboxStopScreen('expired')).action).toBe('Start a new sandbox');
    expect(stopScreenText(en, sandboxStopScreen('full')).action).toBe('Try again');
    expect(sandboxStopScreen('failed', 'image pull failed').detail).toBe('image pull failed');
    expect(stopScreenText(zh, sandboxStopScreen('failed', 'image pull failed'))).toEqual({
      title: zh.stop.SANDBOX_FAILED.title,
      message: zh.stop.SANDBOX_FAILED.message,
      detail: 'image pull failed',
      action: '重试',
    });
  });

  test('an expiry says which: idleness, or the session lifetime', () => {
    expect(sandboxStopScreen('expired', undefined, 'SANDBOX_EXPIRED')).toMatchObject({ reason: 'SANDBOX_EXPIRED' });
    const lifetime = sandboxStopScreen('expired', undefined, 'SESSION_LIFETIME_ENDED');
    expect(lifetime.reason).toBe('SESSION_LIFETIME_ENDED');
    expect(stopScreenText(en, lifetime)).toMatchObject({
      title: 'Your session has reached its time limit',
      message: ERRORS.SESSION_LIFETIME_ENDED.message,
    });
    // A cause the page has no screen for (or of another state) falls back to the state's own.
    expect(sandboxStopScreen('expired', undefined, 'SANDBOX_RECLAIMED').reason).toBe('SANDBOX_EXPIRED');
    expect(sandboxStopScreen('full', undefined, 'SESSION_LIFETIME_ENDED').reason).toBe('SANDBOX_LIMIT_REACHED');
  });

  test('a detail that repeats the screen’s message is not shown twice, in either language', () => {
    const repeated = sandboxStopScreen('expired', ERRORS.SANDBOX_EXPIRED.message);
    expect(stopScreenText(en, repeated).detail).toBeUndefined();
    expect(stopScreenText(zh, repeated).detail).toBeUndefined();
    expect(stopScreenText(zh, sandboxStopScreen('expired', zh.errors.SANDBOX_EXPIRED)).detail).toBeUndefined();
  });
});
