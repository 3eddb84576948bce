/**
 * The unprivileged host ids a sandbox's root becomes: the private engine runs with
 * `--userns-remap=slipway-sandbox`, and dockerd maps a container's uid 0..N-1 onto that
 * user's range in /etc/subuid and /etc/subgid. The range is chosen here, clear of every
 * range and uid already on the machine.
 *
 * 262144 ids, not the usual 65536: rootless Podman inside a sandbox maps the learner's own
 * subordinate ids (100000-165535 inside), which must exist in the sandbox's map too.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export const REMAP_USER = 'slipway-sandbox';
export const REMAP_SIZE = 262_144;
const LOWEST_START = 524_288;

export interface IdRange {
  start: number;
  size: number;
}

/** Ranges of /etc/subuid or /etc/subgid lines (`name:start:count`), with their owners. */
export function parseSubordinateIds(text: string): Array<IdRange & { name: string }> {
  const ranges: Array<IdRange & { name: string }> = [];
  for (const line of text.split('\n')) {
    const [name, start, size] = line.trim().split(':');
    if (!name || start === undefined || size === undefined) continue;
    const range = { name, start: Number(start), size: Number(size) };
    if (Number.isInteger(range.start) && Number.isInteger(range.size)) ranges.push(range);
  }
  return ranges;
}

/** The lowest 65536-aligned range of `size` ids from LOWEST_START up that overlaps none of `taken`. */
export function freeRange(taken: readonly IdRange[], size = REMAP_SIZE): IdRange {
  let start = LOWEST_START;
  for (;;) {
    const clash = taken.find((range) => range.start < start + size && start < range.start + range.size);
    if (!clash) return { start, size };
    start = Math.ceil((clash.start + clash.size) / 65_536) * 65_536;
    if (start + size > 2 ** 31) throw new Error('no free range of subordinate ids for the sandboxes');
  }
}

/** Host uids (from /etc/passwd) as ranges of one, so no real user's uid is handed out. */
export function passwdIds(text: string): IdRange[] {
  return text
    .split('\n')
    .map((line) => Number(line.split(':')[2]))
    .filter((uid) => Number.isInteger(uid))
    .map((uid) => ({ start: uid, size: 1 }));
}

/**
 * Makes sure the remap user exists with one range in both files, and returns it. Both files
 * get the same range, so a sandbox's uid N and gid N are the same host number.
 */
export function ensureRemapUser(): IdRange {
  if (spawnSync('id', ['-u', REMAP_USER]).status !== 0) {
    const created = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', REMAP_USER], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`could not create the user ${REMAP_USER} for the sandboxes' user namespace: ${created.stderr.trim()}`);
  }
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const subuid = parseSubordinateIds(read('/etc/subuid'));
  const subgid = parseSubordinateIds(read('/etc/subgid'));
  const mine = subuid.find((range) => range.name === REMAP_USER);
  if (mine && mine.size >= REMAP_SIZE && subgid.some((range) => range.name === REMAP_USER && range.start === mine.start && range.size === mine.size)) {
    return { start: mine.start, size: mine.size };
  }
  if (mine || subgid.some((range) => range.name === REMAP_USER)) {
    throw new Error(`/etc/subuid and /etc/subgid must give ${REMAP_USER} one range of ${REMAP_SIZE} ids each, the same in both; remove its lines to let Slipway choose`);
  }
  const range = freeRange([...subuid, ...subgid, ...passwdIds(read('/etc/passwd')), ...passwdIds(read('/etc/group'))]);
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    const text = read(file);
    appendFileSync(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}${REMAP_USER}:${range.start}:${range.size}\n`);
  }
  return range;
}
