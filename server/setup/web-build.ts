/**
 * Builds the browser app when its sources changed since the last build, keyed by a hash
 * of everything that goes into it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { precompress } from './precompress';

const INPUTS = ['web', 'server/protocol', 'vite.config.ts', 'package-lock.json', 'tsconfig.web.json', 'server/setup/precompress.ts'];
export const WEB_OUT_DIR = 'dist/web';
const STAMP = path.join(WEB_OUT_DIR, '.build-hash');

function filesUnder(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}

export function webSourceHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(path.join(root, input)))) {
    if (file.endsWith('.test.ts')) continue;
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export function ensureWebBuild(root: string, say: (line: string) => void): void {
  const hash = webSourceHash(root);
  const stamp = path.join(root, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  say('Building the web app (vite build)…');
  const result = spawnSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed');
  precompress(path.join(root, WEB_OUT_DIR));
  writeFileSync(stamp, hash);
}
