import { describe, expect, it } from 'vitest';
import { CATALOG, DEFINITIONS, type Definition } from './definitions';
import { buildOrder, catalogHash, debianSources, definitionHash, imageTag, type DefinitionFile } from './plan';

const file = (path: string, content: string, executable = false): DefinitionFile => ({
  path,
  content: Buffer.from(content),
  executable,
});

describe('definitionHash', () => {
  const files = [file('Dockerfile', 'FROM x\n'), file('rootfs/init', '#!/bin/sh\n', true)];

  it('does not depend on the order files were read in', () => {
    expect(definitionHash(files, {}, 'p')).toBe(definitionHash([...files].reverse(), {}, 'p'));
  });

  it('changes with a file content, a path, a mode, the recipe or the parent', () => {
    const hash = definitionHash(files, {}, 'p');
    expect(definitionHash([file('Dockerfile', 'FROM y\n'), files[1]!], {}, 'p')).not.toBe(hash);
    expect(definitionHash([file('Dockerfile2', 'FROM x\n'), files[1]!], {}, 'p')).not.toBe(hash);
    expect(definitionHash([files[0]!, file('rootfs/init', '#!/bin/sh\n', false)], {}, 'p')).not.toBe(hash);
    expect(definitionHash(files, { suite: 'trixie' }, 'p')).not.toBe(hash);
    expect(definitionHash(files, {}, 'q')).not.toBe(hash);
    expect(definitionHash(files, {}, undefined)).not.toBe(hash);
  });

  it('keeps path and content apart (no two inputs run together)', () => {
    expect(definitionHash([file('ab', 'c')], {}, undefined)).not.toBe(definitionHash([file('a', 'bc')], {}, undefined));
  });
});

describe('imageTag', () => {
  it('names the image after the definition and the first 12 hex digits of its hash', () => {
    expect(imageTag('sandbox', 'abcdef0123456789ff')).toBe('slipway/sandbox:abcdef012345');
  });
});

describe('buildOrder', () => {
  const base: Definition = { name: 'base', kind: 'debootstrap', suite: 'trixie', slim: true };

  it('puts parents before children', () => {
    const order = buildOrder([
      { name: 'app', kind: 'dockerfile', parent: 'mid' },
      { name: 'mid', kind: 'dockerfile', parent: 'base' },
      base,
    ]).map((definition) => definition.name);
    expect(order).toEqual(['base', 'mid', 'app']);
  });

  it('rejects an unknown parent, a cycle and a duplicate name', () => {
    expect(() => buildOrder([{ name: 'a', kind: 'dockerfile', parent: 'nope' }])).toThrow(/unknown parent nope/);
    expect(() =>
      buildOrder([
        { name: 'a', kind: 'dockerfile', parent: 'b' },
        { name: 'b', kind: 'dockerfile', parent: 'a' },
      ]),
    ).toThrow(/cycle/);
    expect(() => buildOrder([base, base])).toThrow(/twice/);
  });

  it('orders Slipway\'s own definitions, and every catalog entry has one', () => {
    const names = buildOrder(DEFINITIONS).map((definition) => definition.name);
    expect(names.indexOf('base-trixie-slim')).toBeLessThan(names.indexOf('sandbox'));
    for (const entry of CATALOG) expect(names).toContain(entry.definition);
  });
});

describe('catalogHash', () => {
  it('depends on names and images but not on their order', () => {
    const a = { reference: 'nginx:latest', imageHash: '1' };
    const b = { reference: 'redis:latest', imageHash: '2' };
    expect(catalogHash([a, b], 'r')).toBe(catalogHash([b, a], 'r'));
    expect(catalogHash([a, { ...b, imageHash: '3' }], 'r')).not.toBe(catalogHash([a, b], 'r'));
    expect(catalogHash([a, b], 's')).not.toBe(catalogHash([a, b], 'r'));
  });
});

describe('debianSources', () => {
  it('lists the release, its updates and its security archive', () => {
    const sources = debianSources('trixie', 'http://deb.debian.org/debian');
    expect(sources).toContain('Suites: trixie trixie-updates');
    expect(sources).toContain('URIs: http://deb.debian.org/debian-security');
    expect(sources).toContain('Suites: trixie-security');
  });
});
