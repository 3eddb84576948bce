/**
 * The pure half of image building: content hashes, tags and build order. Reading the
 * definition folders and talking to the engine are elsewhere (tree.ts, build.ts).
 */
import { createHash } from 'node:crypto';
import type { Definition } from './definitions';

export interface DefinitionFile {
  /** Path inside the definition's folder, with "/" separators. */
  path: string;
  content: Uint8Array;
  /** Executable bits matter to an image, so they are part of the hash. */
  executable: boolean;
}

/**
 * sha256 over the files (path, mode and content, in path order), the recipe that is not in
 * a file (a debootstrap suite, say) and the parent's hash, so that a changed base rebuilds
 * everything above it. Lengths are hashed before contents so no two inputs run together.
 */
export function definitionHash(files: readonly DefinitionFile[], recipe: unknown, parentHash: string | undefined): string {
  const hash = createHash('sha256');
  const field = (data: string | Uint8Array) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field(JSON.stringify(recipe));
  field(parentHash ?? '');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    field(file.path);
    field(file.executable ? 'x' : '-');
    field(file.content);
  }
  return hash.digest('hex');
}

export function imageTag(name: string, hash: string): string {
  return `slipway/${name}:${hash.slice(0, 12)}`;
}

export function parentOf(definition: Definition): string | undefined {
  return definition.kind === 'dockerfile' ? definition.parent : undefined;
}

/** Definitions with every parent before its children; list order is kept otherwise. */
export function buildOrder(definitions: readonly Definition[]): Definition[] {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  if (byName.size !== definitions.length) throw new Error('image definitions: a name is used twice');
  const ordered: Definition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (definition: Definition, chain: string[]) => {
    if (state.get(definition.name) === 'done') return;
    if (state.get(definition.name) === 'visiting') {
      throw new Error(`image definitions: ${[...chain, definition.name].join(' -> ')} is a cycle`);
    }
    state.set(definition.name, 'visiting');
    const parentName = parentOf(definition);
    if (parentName !== undefined) {
      const parent = byName.get(parentName);
      if (!parent) throw new Error(`image definitions: ${definition.name} has unknown parent ${parentName}`);
      visit(parent, [...chain, definition.name]);
    }
    state.set(definition.name, 'done');
    ordered.push(definition);
  };
  for (const definition of definitions) visit(definition, []);
  return ordered;
}

/** The catalog's hash: its names and the exact images behind them, plus the registry's. */
export function catalogHash(entries: readonly { reference: string; imageHash: string }[], registryHash: string): string {
  const lines = entries.map((entry) => `${entry.reference}=${entry.imageHash}`).sort();
  return createHash('sha256').update(`${registryHash}\n${lines.join('\n')}`).digest('hex');
}

/** Debian's deb822 sources for a suite: the release, its updates and its security fixes. */
export function debianSources(suite: string, mirror: string): string {
  const security = mirror.replace(/\/debian\/?$/, '/debian-security');
  return [
    `Types: deb`,
    `URIs: ${mirror}`,
    `Suites: ${suite} ${suite}-updates`,
    `Components: main`,
    `Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg`,
    ``,
    `Types: deb`,
    `URIs: ${security}`,
    `Suites: ${suite}-security`,
    `Components: main`,
    `Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg`,
    ``,
  ].join('\n');
}
