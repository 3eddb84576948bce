/**
 * Keeps the components' words in the catalog: markup text and labelling attributes written
 * as literals would not follow a switch of language.
 */
import { describe, expect, it } from 'vitest';

const components = import.meta.glob<string>('../../**/*.svelte', { query: '?raw', import: 'default', eager: true });

/** Names and commands, the same in every language. */
const ALLOWED = new Set(['Slipway', 'docker inspect (JSON)', '(docker logs --tail 100 -f)']);

/** The markup of a component as a reader sees it: no script, style, comments, expressions or commands. */
function markup(source: string): string {
  let text = source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '');
  // Expressions, innermost first (`{#each}`, `{t.x}`, attribute values in braces).
  for (let before = ''; before !== text; ) {
    before = text;
    text = text.replace(/\{[^{}]*\}/g, '');
  }
  return text;
}

function literals(source: string): string[] {
  const text = markup(source);
  const attributes = [...text.matchAll(/\b(?:aria-label|title|placeholder|alt)="([^"]*[A-Za-z][^"]*)"/g)].map((match) => match[1]!);
  const words = text
    .split(/<[^>]*>/)
    .map((chunk) => chunk.trim())
    .filter((chunk) => /[A-Za-z]{2,}/.test(chunk));
  return [...attributes, ...words].filter((literal) => !ALLOWED.has(literal));
}

describe('components', () => {
  it('are found', () => {
    expect(Object.keys(components).length).toBeGreaterThan(20);
  });

  it.each(Object.entries(components))('%s writes no words of its own', (_, source) => {
    expect(literals(source)).toEqual([]);
  });

  it('would be caught writing some', () => {
    expect(literals('<p title="Close">Hello {name}</p><button aria-label={t.x}>{t.y}</button>')).toEqual(['Close', 'Hello']);
  });
});
