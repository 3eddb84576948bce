import { Terminal } from '@xterm/headless';
import { expect, test } from 'vitest';
import { visibleText } from './screen-text';

function write(term: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

test('returns the visible rows, right-trimmed, without trailing blank lines', async () => {
  const term = new Terminal({ cols: 20, rows: 5, allowProposedApi: true });
  await write(term, 'one   \r\ntwo\r\n');
  expect(visibleText(term.buffer.active, term.rows)).toBe('one\ntwo');
});

test('joins a wrapped line back into one', async () => {
  const term = new Terminal({ cols: 10, rows: 5, allowProposedApi: true });
  await write(term, 'abcdefghij klmno\r\nnext');
  expect(visibleText(term.buffer.active, term.rows)).toBe('abcdefghij klmno\nnext');
});

test('shows only what is scrolled into view', async () => {
  const term = new Terminal({ cols: 10, rows: 2, allowProposedApi: true });
  await write(term, '1\r\n2\r\n3\r\n4');
  expect(visibleText(term.buffer.active, term.rows)).toBe('3\n4');
});
