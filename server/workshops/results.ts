/**
 * A workshop's results as files a trainer can keep: CSV (one row per participant and step,
 * RFC 4180 quoting, times as ISO 8601) and JSON, with the steps' titles in the lessons' original
 * language whatever the trainer's page speaks, so exports compare across workshops. Pure.
 */
import { ORIGINAL_LOCALE } from '../protocol/locale';
import type { DashboardModel } from './dashboard';

export type ResultRow = ReturnType<DashboardModel['results']>[number];

export const RESULT_COLUMNS = ['participant', 'name', 'lesson', 'step', 'title', 'completed_at', 'attempts', 'hints', 'solutions'] as const;

export function resultsCsv(rows: readonly ResultRow[]): string {
  const lines = rows.map((row) =>
    [row.participant, row.name, row.lessonId, row.stepId, row.title[ORIGINAL_LOCALE], iso(row.completedAt), row.attempts, row.hints, row.solutions].map(csvField).join(','),
  );
  return [RESULT_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}

export function resultsJson(workshop: { id: string; name: string; startsAt: number; endsAt: number }, rows: readonly ResultRow[]) {
  const participants = new Map<string, { id: string; name: string; joinedAt: string; steps: unknown[] }>();
  for (const row of rows) {
    let entry = participants.get(row.participant);
    if (!entry) {
      entry = { id: row.participant, name: row.name, joinedAt: iso(row.joinedAt), steps: [] };
      participants.set(row.participant, entry);
    }
    entry.steps.push({ lessonId: row.lessonId, stepId: row.stepId, title: row.title[ORIGINAL_LOCALE], completedAt: iso(row.completedAt) || null, attempts: row.attempts, hints: row.hints, solutions: row.solutions });
  }
  return { workshop: { ...workshop, startsAt: iso(workshop.startsAt), endsAt: iso(workshop.endsAt) }, participants: [...participants.values()] };
}

const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());

/**
 * Quoted when it holds a separator, a quote or a line break; a leading `=`, `+`, `-` or `@`
 * is prefixed with `'` so that a spreadsheet does not run a participant's name as a formula.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
