/**
 * A ```quiz block: YAML with a question and its choices, each choice explaining why it is
 * right or wrong. Validated field by field with lines, like check blocks, then rendered.
 *
 *   question: What does `docker run IMAGE ARGS` replace when the image has an ENTRYPOINT?
 *   choices:
 *     - answer: The CMD
 *       correct: true
 *       why: Arguments after the image replace CMD and are passed to the ENTRYPOINT.
 *     - answer: The ENTRYPOINT
 *       why: Only `--entrypoint` replaces it.
 */
import { z } from 'zod';
import { lex, rawHtmlIn, renderInline, renderMarkdown } from './markdown';
import type { Quiz } from '../protocol/lesson-model';
import { locateIssues, YamlSource } from './yaml-source';

const Text = z.string().trim().min(1);
const QuizChoiceSource = z.strictObject({ answer: Text, correct: z.boolean().default(false), why: Text });
const QuizSourceSchema = z.strictObject({ question: Text, choices: z.array(QuizChoiceSource).min(2).max(6) });

const FIELDS = ['question', 'choices', 'answer', 'correct', 'why'];

/** The quiz, or undefined after reporting every problem with its line. */
export function parseQuiz(text: string, firstLine: number, report: (line: number, message: string) => void): Quiz | undefined {
  const yaml = new YamlSource(text, firstLine);
  yaml.errors.forEach(({ line, message }) => report(line, `quiz block: ${message}`));
  if (yaml.errors.length > 0) return undefined;
  const result = QuizSourceSchema.safeParse(yaml.value ?? {});
  if (!result.success) {
    for (const { line, message } of locateIssues(yaml, [], result.error.issues, FIELDS)) report(line, `quiz block: ${message}`);
    return undefined;
  }
  const { question, choices } = result.data;
  const correct = choices.filter((choice) => choice.correct).length;
  if (correct !== 1) {
    report(yaml.lineAt(['choices']), `quiz block: exactly one choice must have "correct: true" (${correct} have)`);
    return undefined;
  }
  const html = (text: string, path: readonly PropertyKey[], render: (source: string) => string) => {
    for (const raw of rawHtmlIn(lex(text))) report(yaml.lineAt(path), `quiz block: raw HTML is not allowed: ${JSON.stringify(raw.slice(0, 40))}`);
    return render(text);
  };
  return {
    question: html(question, ['question'], renderInline),
    choices: choices.map((choice, index) => ({
      answer: html(choice.answer, ['choices', index, 'answer'], renderInline),
      correct: choice.correct,
      why: html(choice.why, ['choices', index, 'why'], renderMarkdown),
    })),
  };
}

