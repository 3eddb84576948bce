/**
 * Making one image on the engine: a Dockerfile build, or a Debian base (pulled when a
 * registry can be reached, otherwise made with debootstrap and imported).
 */
import { spawn } from 'node:child_process';
import { chmod, cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import { BASE_RECIPE, DEFINITIONS_DIR, type Suite } from './definitions';
import { debianSources } from './plan';
import { BuildProgress, debootstrapLine, type BuildEvent } from './progress';

export type Progress = (line: string) => void;

const BASE_DIR = path.join(DEFINITIONS_DIR, 'base');
/** How long a pull of Docker's own Debian image may take before debootstrap is used instead. */
const PULL_TIMEOUT_MS = 15_000;

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** Builds a context (a tar stream) into `tag`, streaming readable progress. */
export async function buildContext(
  docker: Docker,
  name: string,
  context: ReturnType<typeof tar.pack>,
  tag: string,
  buildargs: Record<string, string>,
  onProgress: Progress,
): Promise<void> {
  const progress = new BuildProgress(name);
  // tar-fs's pack is a readable stream; its typings (tar-stream's Pack) do not say so.
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: tag,
    buildargs,
    labels: { 'slipway.image': name },
    rm: true,
    forcerm: true,
  });
  await new Promise<void>((resolve, reject) => {
    let failure: Error | undefined;
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : failure ? reject(failure) : resolve()),
      (event: BuildEvent) => {
        if (event.error !== undefined) failure ??= progress.failure(event);
        for (const line of progress.lines(event)) onProgress(line);
      },
    );
  });
}

export async function buildDockerfile(
  docker: Docker,
  name: string,
  tag: string,
  parentTag: string,
  onProgress: Progress,
): Promise<void> {
  await buildContext(docker, name, tar.pack(path.join(DEFINITIONS_DIR, name)), tag, { PARENT: parentTag }, onProgress);
}

/**
 * Debian root file systems made during one ensureImages run, by suite: the full base is
 * imported first, then the same tree is slimmed for the "-slim" base, saving a debootstrap.
 */
export class RootfsCache {
  readonly #dirs = new Map<Suite, Promise<string>>();
  readonly #slimmed = new Set<Suite>();

  constructor(private readonly onProgress: Progress) {}

  async full(suite: Suite): Promise<string> {
    // A slimmed tree cannot become full again: start over.
    const slimmed = this.#slimmed.has(suite) ? this.#dirs.get(suite) : undefined;
    if (slimmed) {
      this.#dirs.delete(suite);
      this.#slimmed.delete(suite);
      await removeRootfs(await slimmed);
    }
    let dir = this.#dirs.get(suite);
    if (!dir) {
      dir = debootstrap(suite, this.onProgress);
      this.#dirs.set(suite, dir);
    }
    return dir;
  }

  async slim(suite: Suite): Promise<string> {
    const dir = await this.full(suite);
    if (!this.#slimmed.has(suite)) {
      await slimRootfs(dir);
      this.#slimmed.add(suite);
    }
    return dir;
  }

  async removeAll(): Promise<void> {
    for (const dir of this.#dirs.values()) await removeRootfs(await dir.catch(() => undefined));
    this.#dirs.clear();
  }
}

export async function buildBase(
  docker: Docker,
  name: string,
  suite: Suite,
  slim: boolean,
  tag: string,
  rootfs: RootfsCache,
  onProgress: Progress,
): Promise<void> {
  const official = slim ? `debian:${suite}-slim` : `debian:${suite}`;
  if (await pullsWithin(docker, official, PULL_TIMEOUT_MS)) {
    onProgress(`[images] ${name}: using ${official} from a registry`);
    await buildContext(docker, name, overlayContext(official, slim), tag, {}, onProgress);
    return;
  }
  onProgress(`[images] ${name}: no registry answered for ${official}; making it with debootstrap`);
  const dir = slim ? await rootfs.slim(suite) : await rootfs.full(suite);
  await importRootfs(docker, dir, tag, onProgress);
}

/** Docker's Debian image with Slipway's base files on top (the same files debootstrap's get). */
function overlayContext(official: string, slim: boolean): ReturnType<typeof tar.pack> {
  const dockerfile = [`FROM ${official}`, 'COPY rootfs/ /', ...(slim ? ['COPY slim/ /'] : []), ''].join('\n');
  return tar.pack(BASE_DIR, {
    finalize: false,
    finish: (pack) => {
      pack.entry({ name: 'Dockerfile' }, dockerfile);
      pack.finalize();
    },
  });
}

async function pullsWithin(docker: Docker, reference: string, timeoutMs: number): Promise<boolean> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  try {
    const stream = await docker.pull(reference, { abortSignal });
    await new Promise<void>((resolve, reject) => {
      abortSignal.addEventListener('abort', () => reject(new Error('timed out')));
      docker.modem.followProgress(stream, (error, events: BuildEvent[]) => {
        const failed = events?.find((event) => event.error !== undefined);
        if (error || failed) reject(error ?? new Error(failed?.error));
        else resolve();
      });
    });
    return true;
  } catch {
    return false;
  }
}

async function debootstrap(suite: Suite, onProgress: Progress): Promise<string> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'No registry is reachable, so the Debian base images must be made with debootstrap, which needs root: run as root.',
    );
  }
  if (!(await commandExists('debootstrap'))) {
    throw new Error(
      'No registry is reachable, so the Debian base images must be made with debootstrap, which is not installed: apt-get install debootstrap',
    );
  }
  // Not /tmp: it may be mounted noexec, and debootstrap runs programs inside the tree.
  const dir = await mkdtemp(path.join(process.env.SLIPWAY_IMAGES_TMP ?? '/var/tmp', `slipway-${suite}-`));
  try {
    await run('debootstrap', [`--variant=${BASE_RECIPE.variant}`, '--components=main', suite, dir, BASE_RECIPE.mirror], (line) => {
      const readable = debootstrapLine(suite, line);
      if (readable) onProgress(readable);
    });
    await cp(path.join(BASE_DIR, 'rootfs'), dir, { recursive: true });
    await unlink(path.join(dir, 'etc/apt/sources.list')).catch(() => {});
    await writeFile(path.join(dir, 'etc/apt/sources.list.d/debian.sources'), debianSources(suite, BASE_RECIPE.mirror));
    // debootstrap copies the host's name and resolver; the engine provides a container's own.
    await writeFile(path.join(dir, 'etc/hostname'), '');
    await writeFile(path.join(dir, 'etc/resolv.conf'), '');
    await writeFile(path.join(dir, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n');
    await writeFile(path.join(dir, 'etc/machine-id'), '').catch(() => {});
    await emptyDir(path.join(dir, 'var/lib/apt/lists'), ['partial', 'lock']);
    await emptyDir(path.join(dir, 'var/cache/apt'), ['archives']);
    await emptyDir(path.join(dir, 'var/cache/apt/archives'), ['partial', 'lock']);
    await emptyDir(path.join(dir, 'var/log'), []);
    // mkdtemp made it 0700, and the tar's "./" carries that into the image's root directory,
    // which Docker's btrfs driver keeps: no user but root could then reach any file.
    await chmod(dir, 0o755);
    return dir;
  } catch (error) {
    await removeRootfs(dir);
    throw error;
  }
}

/** What Docker's "-slim" images leave out; dpkg's configuration (from base/slim) keeps it out. */
async function slimRootfs(dir: string): Promise<void> {
  await cp(path.join(BASE_DIR, 'slim'), dir, { recursive: true });
  for (const sub of ['usr/share/man', 'usr/share/info', 'usr/share/groff', 'usr/share/lintian', 'usr/share/linda', 'usr/share/locale']) {
    await emptyDir(path.join(dir, sub), []);
  }
  const docs = path.join(dir, 'usr/share/doc');
  for (const pkg of await readdir(docs).catch(() => [] as string[])) await emptyDir(path.join(docs, pkg), ['copyright']);
}

async function importRootfs(docker: Docker, dir: string, tag: string, onProgress: Progress): Promise<void> {
  const [repo, version] = tag.split(':') as [string, string];
  const archive = spawn('tar', ['--numeric-owner', '--xattrs', '-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarErrors = '';
  archive.stderr.on('data', (chunk: Buffer) => (tarErrors += chunk.toString()));
  const tarDone = new Promise<void>((resolve, reject) =>
    archive.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar of ${dir} failed: ${tarErrors.trim()}`)))),
  );
  const stream = await docker.importImage(archive.stdout, { repo, tag: version });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error, events: BuildEvent[]) => {
      const failed = events?.find((event) => event.error !== undefined);
      if (error || failed) reject(error ?? new Error(`importing ${tag} failed: ${failed?.error}`));
      else resolve();
    }),
  );
  await tarDone;
  onProgress(`[images] imported ${tag}`);
}

/** Removes a debootstrap tree, unless something is still mounted inside it. */
async function removeRootfs(dir: string | undefined): Promise<void> {
  if (!dir) return;
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  if (mounts.split('\n').some((line) => line.split(' ')[1]?.startsWith(`${dir}/`))) {
    throw new Error(`${dir} still has file systems mounted inside; not removing it`);
  }
  await rm(dir, { recursive: true, force: true });
}

async function emptyDir(dir: string, keep: readonly string[]): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => !keep.includes(name)).map((name) => rm(path.join(dir, name), { recursive: true, force: true })),
  );
}

function commandExists(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    probe.on('error', () => resolve(false));
    probe.on('close', (code) => resolve(code === 0));
  });
}

/** Runs a command, handing each output line to `onLine`; rejects with its last lines. */
function run(command: string, args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const recent: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        recent.push(line);
        if (recent.length > 20) recent.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${recent.join('\n')}`)),
    );
  });
}
