/** Reads a definition folder into the file list that plan.ts hashes. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DefinitionFile } from './plan';

export async function readDefinitionFiles(dir: string): Promise<DefinitionFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() || entry.isSymbolicLink());
  return Promise.all(
    files.map(async (entry) => {
      const full = path.join(entry.parentPath, entry.name);
      const info = await stat(full);
      return {
        path: path.relative(dir, full).split(path.sep).join('/'),
        content: await readFile(full),
        executable: (info.mode & 0o111) !== 0,
      };
    }),
  );
}
