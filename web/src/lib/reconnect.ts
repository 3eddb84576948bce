/**
 * When to reconnect and what to show instead: pure functions of close codes and sandbox
 * states, so the policy is tested without a socket.
 */
import type { Messages } from './i18n/catalog';
import { ERRORS, type ErrorCode, type SandboxState } from './protocol';

export const BACKOFF = {
  INITIAL_MS: 250,
  MAX_MS: 5000,
  FACTOR: 2,
  /** ±20 %, so that tabs dropped by one server restart do not come back in step. */
  JITTER: 0.2,
} as const;

/** Delay before reconnect attempt `attempt` (0 for the first): exponential, capped, jittered. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF.MAX_MS, BACKOFF.INITIAL_MS * BACKOFF.FACTOR ** attempt);
  const jittered = base * (1 - BACKOFF.JITTER + 2 * BACKOFF.JITTER * random());
  return Math.round(Math.min(BACKOFF.MAX_MS, jittered));
}

/** The states in which the app stops and waits for the learner. */
export type StoppedState = Extract<SandboxState, 'expired' | 'failed' | 'full'>;

/** A catalog code, or CLOSED for a clean close (1000) that carried none. */
export type StopReason = ErrorCode | 'CLOSED';

/** What the learner's button does: connect again, or load the page anew (a new cookie). */
export type StopAction = 'reconnect' | 'reload';

/** The reasons the page has a screen for, with the state each stops in and what its button does. */
const SCREENS = {
  SANDBOX_EXPIRED: { state: 'expired', action: 'reconnect' },
  SESSION_LIFETIME_ENDED: { state: 'expired', action: 'reconnect' },
  SANDBOX_LIMIT_REACHED: { state: 'full', action: 'reconnect' },
  SANDBOX_FAILED: { state: 'failed', action: 'reconnect' },
  REPLACED: { state: 'failed', action: 'reconnect' },
  // A new cookie or a fresh page is the only cure for these two; retrying the socket would loop.
  UNAUTHENTICATED: { state: 'failed', action: 'reload' },
  FORBIDDEN_ORIGIN: { state: 'failed', action: 'reload' },
  NOT_FOUND: { state: 'failed', action: 'reconnect' },
  // A workshop's trainer paused or ended it, or removed this participant: their sandbox is gone.
  WORKSHOP_PAUSED: { state: 'expired', action: 'reconnect' },
  WORKSHOP_ENDED: { state: 'expired', action: 'reconnect' },
  WORKSHOP_REMOVED: { state: 'expired', action: 'reconnect' },
  CLOSED: { state: 'failed', action: 'reconnect' },
} as const satisfies Partial<Record<StopReason, { state: StoppedState; action: StopAction }>>;

export type ScreenReason = keyof typeof SCREENS;

/** A screen the page stops on; its words come from the catalog (`stopScreenText`), by reason. */
export interface StopScreen {
  state: StoppedState;
  reason: ScreenReason;
  action: StopAction;
  /** What happened this time, in the server's words. */
  detail?: string;
}

const hasScreen = (reason: StopReason): reason is ScreenReason => Object.hasOwn(SCREENS, reason);

function screen(reason: ScreenReason, detail?: string): StopScreen {
  return { ...SCREENS[reason], reason, ...(detail ? { detail } : {}) };
}

/** A stop screen's words in the page's language; a detail that only repeats the message is left out. */
export function stopScreenText(t: Messages, screen: StopScreen): { title: string; message: string; detail?: string; action: string } {
  const { title, message, action } = t.stop[screen.reason];
  const { detail } = screen;
  const repeats = detail === message || (screen.reason !== 'CLOSED' && (detail === ERRORS[screen.reason].message || detail === t.errors[screen.reason]));
  return detail && !repeats ? { title, message, detail, action } : { title, message, action };
}

export type CloseDecision =
  | { action: 'reconnect'; reason?: ErrorCode }
  | { action: 'stop'; screen: StopScreen };

const CODE_BY_CLOSE = new Map<number, ErrorCode>(
  (Object.keys(ERRORS) as ErrorCode[]).map((code) => [ERRORS[code].close, code]),
);

/**
 * What to do after the socket closed with `closeCode`. Everything not known to need the
 * learner reconnects: network drops (1006), restarts (1012), an engine that is not answering.
 */
export function closeDecision(closeCode: number): CloseDecision {
  if (closeCode === 1000) return { action: 'stop', screen: screen('CLOSED') };
  const code = CODE_BY_CLOSE.get(closeCode);
  if (code && hasScreen(code)) return { action: 'stop', screen: screen(code) };
  // The banner says why it reconnects.
  if (code === 'SHUTTING_DOWN' || code === 'ENGINE_UNAVAILABLE') return { action: 'reconnect', reason: code };
  return { action: 'reconnect' };
}

const CODE_BY_STATE: Record<StoppedState, ScreenReason> = {
  expired: 'SANDBOX_EXPIRED',
  failed: 'SANDBOX_FAILED',
  full: 'SANDBOX_LIMIT_REACHED',
};

export function isStoppedState(state: SandboxState): state is StoppedState {
  return Object.hasOwn(CODE_BY_STATE, state);
}

/**
 * The screen for a `{type:'sandbox'}` message announcing a state the learner must act on;
 * `reason` picks among the state's causes (an expiry by idleness or by the lifetime).
 */
export function sandboxStopScreen(state: StoppedState, detail?: string, reason?: ErrorCode): StopScreen {
  const known = reason && hasScreen(reason) && SCREENS[reason].state === state ? reason : CODE_BY_STATE[state];
  return screen(known, detail);
}
