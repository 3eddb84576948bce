/** A problem in a lesson file, reported as `file:line: message` like a compiler would. */
export type LessonIssue = { file: string; line: number; message: string };

export type LessonResult<T> = { ok: true; value: T } | { ok: false; issues: LessonIssue[] };

export function formatIssue(issue: LessonIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}

/** Thrown by loaders that cannot go on; carries every issue found, not just the first. */
export class LessonError extends Error {
  constructor(readonly issues: LessonIssue[]) {
    super(`Invalid lessons:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'LessonError';
  }
}
