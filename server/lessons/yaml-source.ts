/**
 * YAML with line numbers: front matter and check blocks are parsed with the `yaml` package and
 * validated with zod, and each zod issue is traced back to the line of the offending field.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';

export type LocatedMessage = { line: number; message: string };

export class YamlSource {
  readonly value: unknown;
  readonly errors: LocatedMessage[];
  readonly #lines = new LineCounter();
  readonly #document;

  /** `firstLine` is the file line of the text's first line. */
  constructor(
    text: string,
    private readonly firstLine: number,
  ) {
    this.#document = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false, uniqueKeys: true });
    this.errors = this.#document.errors.map((error) => ({
      line: this.#lineOf(error.pos[0]),
      message: `invalid YAML: ${error.message.split('\n')[0]}`,
    }));
    this.value = this.errors.length === 0 ? this.#document.toJS() : undefined;
  }

  /** The line of the value at `path`, or of `key` inside it; the nearest known ancestor otherwise. */
  lineAt(path: readonly PropertyKey[], key?: string): number {
    let node: Node | null | undefined = this.#document.contents as Node | null;
    let line = this.firstLine;
    const visit = (next: Node | null | undefined) => {
      node = next;
      if (node?.range) line = this.#lineOf(node.range[0]);
    };
    visit(node);
    for (const segment of [...path, ...(key === undefined ? [] : [key])]) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        // An unknown key is reported at the key itself; values at the value.
        if (segment === key && isScalar(pair.key)) visit(pair.key);
        else visit(pair.value as Node | null);
      } else if (isSeq(node) && typeof segment === 'number') {
        visit(node.items[segment] as Node | null);
      } else break;
    }
    return line;
  }

  #lineOf(offset: number): number {
    return this.firstLine + this.#lines.linePos(offset).line - 1;
  }
}

/** zod issues as messages with lines; `base` is the path of the validated value in the YAML. */
export function locateIssues(source: YamlSource, base: readonly PropertyKey[], issues: readonly z.core.$ZodIssue[], known: readonly string[] = []): LocatedMessage[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    const field = issue.path.length > 0 ? `field "${issue.path.join('.')}": ` : '';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        line: source.lineAt(path, key),
        message: `unknown field "${[...issue.path, key].join('.')}"${suggest(key, known)}`,
      }));
    }
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      return [{ line: source.lineAt(path.slice(0, -1)), message: `missing field "${issue.path.join('.')}"` }];
    }
    return [{ line: source.lineAt(path), message: `${field}${issue.message}` }];
  });
}

/** "(did you mean "name"?)" for a field one or two typos away from a known one. */
function suggest(key: string, known: readonly string[]): string {
  const [close] = known
    .map((candidate) => ({ candidate, cost: distance(candidate, key) }))
    .filter(({ cost }) => cost <= 2)
    .sort((a, b) => a.cost - b.cost);
  return close ? ` (did you mean "${close.candidate}"?)` : '';
}

/** Edit distance counting a swap of neighbours ("nmae") as one typo. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
