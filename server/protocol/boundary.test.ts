/**
 * Keeps the protocol self-contained and the page on its side of it: the protocol imports
 * nothing but itself and zod, and the page (web/src) nothing of the server's but the protocol.
 * (tsconfig.protocol.json keeps DOM and Node types out; a relative import it would follow.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const protocolDir = path.join(root, 'server/protocol');
const webDir = path.join(root, 'web/src');

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|svelte)$/.test(file) && !file.endsWith('.test.ts'))
    .map((file) => path.join(dir, file));
}

/** Every module a file imports (static, dynamic and re-exports), resolved when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => (specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier));
}

const outside = (target: string, ...dirs: string[]) => path.isAbsolute(target) && !dirs.some((dir) => target.startsWith(`${dir}${path.sep}`));

describe('module boundaries', () => {
  it('the protocol imports only itself and zod', () => {
    const stray = sources(protocolDir).flatMap((file) =>
      importsOf(file)
        .filter((target) => (path.isAbsolute(target) ? outside(target, protocolDir) : target !== 'zod'))
        .map((target) => `${path.relative(root, file)} -> ${path.isAbsolute(target) ? path.relative(root, target) : target}`),
    );
    expect(stray).toEqual([]);
  });

  it('the page imports only its own modules, packages and the protocol', () => {
    const stray = sources(webDir).flatMap((file) =>
      importsOf(file)
        .filter((target) => outside(target, webDir, protocolDir))
        .map((target) => `${path.relative(root, file)} -> ${path.relative(root, target)}`),
    );
    expect(stray).toEqual([]);
  });
});
