/**
 * When to reconnect and what to show instead: pure functions of close codes and sandbox
 * states, so the policy is tested without a socket.
 */
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

export interface StopScreen {
  state: StoppedState;
  reason: StopReason;
  title: string;
  message: string;
  /** What happened this time, in the server's words. */
  detail?: string;
  action: { label: string; kind: 'reconnect' | 'reload' };
}

type ScreenTemplate = Omit<StopScreen, 'reason' | 'detail'>;

const tryAgain = { label: 'Try again', kind: 'reconnect' } as const;
const reload = { label: 'Reload the page', kind: 'reload' } as const;

const SCREENS: Partial<Record<StopReason, ScreenTemplate>> = {
  SANDBOX_EXPIRED: {
    state: 'expired',
    title: 'Your sandbox has expired',
    message: ERRORS.SANDBOX_EXPIRED.message,
    action: { label: 'Start a new sandbox', kind: 'reconnect' },
  },
  SESSION_LIFETIME_ENDED: {
    state: 'expired',
    title: 'Your session has reached its time limit',
    message: ERRORS.SESSION_LIFETIME_ENDED.message,
    action: { label: 'Start a new sandbox', kind: 'reconnect' },
  },
  SANDBOX_LIMIT_REACHED: {
    state: 'full',
    title: 'Slipway is full',
    message: ERRORS.SANDBOX_LIMIT_REACHED.message,
    action: tryAgain,
  },
  SANDBOX_FAILED: {
    state: 'failed',
    title: 'Your sandbox could not start',
    message: `${ERRORS.SANDBOX_FAILED.message} This is usually temporary.`,
    action: tryAgain,
  },
  REPLACED: {
    state: 'failed',
    title: 'Slipway is open somewhere else',
    message: `${ERRORS.REPLACED.message} Only one window can use it at a time.`,
    action: { label: 'Use Slipway here', kind: 'reconnect' },
  },
  // A new cookie or a fresh page is the only cure for these two; retrying the socket would loop.
  UNAUTHENTICATED: {
    state: 'failed',
    title: 'Your session was not found',
    message: ERRORS.UNAUTHENTICATED.message,
    action: reload,
  },
  FORBIDDEN_ORIGIN: {
    state: 'failed',
    title: 'Connection refused',
    message: ERRORS.FORBIDDEN_ORIGIN.message,
    action: reload,
  },
  NOT_FOUND: {
    state: 'failed',
    title: 'Connection refused',
    message: ERRORS.NOT_FOUND.message,
    action: tryAgain,
  },
  // A workshop's trainer paused or ended it, or removed this participant: their sandbox is gone.
  WORKSHOP_PAUSED: {
    state: 'expired',
    title: 'The workshop is paused',
    message: ERRORS.WORKSHOP_PAUSED.message,
    action: tryAgain,
  },
  WORKSHOP_ENDED: {
    state: 'expired',
    title: 'The workshop has ended',
    message: ERRORS.WORKSHOP_ENDED.message,
    action: { label: 'Go on alone', kind: 'reconnect' },
  },
  WORKSHOP_REMOVED: {
    state: 'expired',
    title: 'You left the workshop',
    message: ERRORS.WORKSHOP_REMOVED.message,
    action: { label: 'Go on alone', kind: 'reconnect' },
  },
  CLOSED: {
    state: 'failed',
    title: 'Disconnected',
    message: 'The server closed the connection.',
    action: { label: 'Reconnect', kind: 'reconnect' },
  },
};

function screen(reason: StopReason, detail?: string): StopScreen {
  const template = SCREENS[reason];
  if (!template) throw new Error(`no stop screen for ${reason}`);
  // The server's detail is often the catalog's message, which the screen already shows.
  return detail && detail !== template.message ? { ...template, reason, detail } : { ...template, reason };
}

export type CloseDecision =
  | { action: 'reconnect'; note?: string }
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
  if (code && SCREENS[code]) return { action: 'stop', screen: screen(code) };
  if (code === 'SHUTTING_DOWN' || code === 'ENGINE_UNAVAILABLE') {
    return { action: 'reconnect', note: ERRORS[code].message };
  }
  return { action: 'reconnect' };
}

const CODE_BY_STATE: Record<StoppedState, ErrorCode> = {
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
  const known = reason && SCREENS[reason]?.state === state ? reason : CODE_BY_STATE[state];
  return screen(known, detail);
}
