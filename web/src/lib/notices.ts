/**
 * The notices beside the terminal: errors the server answered with, and news that asks
 * nothing of the learner (the session's end is near, their sandbox was reclaimed). Pure, so
 * the wording and the list's rules are tested without a page.
 */
import type { ErrorCode } from './protocol';

export interface Notice {
  id: number;
  code: ErrorCode;
  message: string;
  /** `error`: something asked for went wrong; `info`: news. */
  tone: 'error' | 'info';
}

/** `list` with `notice` added; news replaces an earlier notice of its code (a warning sent again on reconnect). */
export function withNotice(list: readonly Notice[], notice: Notice): Notice[] {
  const kept = notice.tone === 'info' ? list.filter((other) => other.code !== notice.code) : list;
  return [...kept, notice];
}

/** The warning before the session's lifetime ends in `inMs`. */
export function sessionEndingMessage(inMs: number): string {
  const minutes = Math.ceil(inMs / 60_000);
  const when = inMs < 60_000 ? 'in less than a minute' : `in about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `Your sandbox will be removed ${when}: a session on this Slipway lasts a limited time. Your lesson progress is kept; keep a copy of anything else you need. You can then start a new sandbox.`;
}
