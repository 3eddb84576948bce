/**
 * Which images Slipway builds, from which folder under definitions/, on which parent, and
 * which Docker Hub names the offline catalog serves them under.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFINITIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'definitions');

export type Suite = 'trixie' | 'bookworm';

/**
 * How the Debian bases are made, beyond the files in definitions/base: part of their hash.
 * Bump `version` when build.ts changes what it does to a debootstrap tree.
 */
export const BASE_RECIPE = {
  /** 2: the root directory is 0755 (it was the temporary directory's 0700). */
  version: 2,
  variant: 'minbase',
  /** The Debian archive the bases are made from, and that their apt uses afterwards. */
  mirror: 'http://deb.debian.org/debian',
} as const;

export type Definition =
  /**
   * A Debian root file system made with debootstrap from the files in definitions/base.
   * `slim` leaves out documentation, manual pages and translations, as Docker's "-slim" images.
   */
  | { name: string; kind: 'debootstrap'; suite: Suite; slim: boolean }
  /** definitions/<name>/Dockerfile, built with its parent's image tag as build argument PARENT. */
  | { name: string; kind: 'dockerfile'; parent: string };

export const DEFINITIONS: readonly Definition[] = [
  { name: 'base-trixie', kind: 'debootstrap', suite: 'trixie', slim: false },
  { name: 'base-trixie-slim', kind: 'debootstrap', suite: 'trixie', slim: true },
  { name: 'base-bookworm', kind: 'debootstrap', suite: 'bookworm', slim: false },
  { name: 'base-bookworm-slim', kind: 'debootstrap', suite: 'bookworm', slim: true },
  { name: 'sandbox', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'hello-world', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'busybox', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'debian-trixie', kind: 'dockerfile', parent: 'base-trixie' },
  { name: 'debian-trixie-slim', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'debian-bookworm', kind: 'dockerfile', parent: 'base-bookworm' },
  { name: 'debian-bookworm-slim', kind: 'dockerfile', parent: 'base-bookworm-slim' },
  { name: 'nginx', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'redis', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'python', kind: 'dockerfile', parent: 'base-trixie' },
  { name: 'python-slim', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'registry', kind: 'dockerfile', parent: 'base-trixie-slim' },
  { name: 'git-server', kind: 'dockerfile', parent: 'base-trixie-slim' },
];

/** The image the sandbox containers run. */
export const SANDBOX_DEFINITION = 'sandbox';
/** The definition whose image serves the catalog (it is in the catalog too, as registry:2). */
export const REGISTRY_DEFINITION = 'registry';

export interface CatalogImage {
  /** Docker Hub's name for it, without "library/" (e.g. "nginx"); Slipway's own images are under "slipway/". */
  name: string;
  tag: string;
  definition: string;
}

/**
 * What `docker pull` finds inside a sandbox. There is no alpine: it is not a Debian package,
 * and an image named alpine that is not Alpine Linux would teach something false.
 */
export const CATALOG: readonly CatalogImage[] = [
  { name: 'hello-world', tag: 'latest', definition: 'hello-world' },
  { name: 'busybox', tag: 'latest', definition: 'busybox' },
  { name: 'debian', tag: 'trixie-slim', definition: 'debian-trixie-slim' },
  { name: 'debian', tag: 'trixie', definition: 'debian-trixie' },
  { name: 'debian', tag: 'latest', definition: 'debian-trixie' },
  { name: 'debian', tag: 'bookworm-slim', definition: 'debian-bookworm-slim' },
  { name: 'debian', tag: 'bookworm', definition: 'debian-bookworm' },
  { name: 'nginx', tag: 'latest', definition: 'nginx' },
  { name: 'redis', tag: 'latest', definition: 'redis' },
  { name: 'python', tag: '3', definition: 'python' },
  { name: 'python', tag: 'latest', definition: 'python' },
  { name: 'python', tag: '3-slim', definition: 'python-slim' },
  { name: 'registry', tag: '2', definition: 'registry' },
  { name: 'slipway/git-server', tag: 'latest', definition: 'git-server' },
];

/**
 * The catalog entry an image reference as a learner would type it names, if any:
 * "nginx", "nginx:latest", "library/nginx", "docker.io/library/nginx:latest" all name nginx:latest.
 */
export function catalogImageFor(reference: string): CatalogImage | undefined {
  const match = /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?(?:library\/)?((?:slipway\/)?[a-z0-9][a-z0-9._-]*)(?::([\w][\w.-]{0,127}))?$/.exec(
    reference.trim(),
  );
  if (!match) return undefined;
  const [, name, tag = 'latest'] = match;
  return CATALOG.find((image) => image.name === name && image.tag === tag);
}
