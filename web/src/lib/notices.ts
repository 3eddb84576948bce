/**
 * The notices beside the terminal: errors the server answered with, and news that asks
 * nothing of the learner (the session's end is near or was moved, their sandbox was reclaimed). Pure, so
 * the wording and the list's rules are tested without a page.
 */
import type { Localized } from './i18n/catalog';
import type { ErrorCode } from './protocol';

export interface Notice {
  id: number;
  code: ErrorCode;
  /** Worded when shown, so that a notice already there follows a switch of language. */
  text: Localized;
  /** `error`: something asked for went wrong; `info`: news. */
  tone: 'error' | 'info';
}

/**
 * `list` with `notice` added; news replaces an earlier notice of its code (a warning sent again
 * on reconnect; the lifetime's warning once a trainer extended it, both SESSION_LIFETIME_ENDED).
 */
export function withNotice(list: readonly Notice[], notice: Notice): Notice[] {
  const kept = notice.tone === 'info' ? list.filter((other) => other.code !== notice.code) : list;
  return [...kept, notice];
}

/** The warning before the session's lifetime ends in `inMs`. */
export function sessionEnding(inMs: number): Localized {
  const minutes = Math.ceil(inMs / 60_000);
  return (t) => (inMs < 60_000 ? t.notices.endingSoon : t.notices.endingIn(minutes));
}

/** A trainer extended the session: it now ends at `endsAt`, said as the learner's clock time (14:05). */
export function sessionExtended(endsAt: number): Localized {
  const end = new Date(endsAt);
  const time = `${String(end.getHours()).padStart(2, '0')}:${String(end.getMinutes()).padStart(2, '0')}`;
  return (t) => t.notices.extendedUntil(time);
}
