/**
 * The catalog registry: the container `slipway-catalog` on the host engine, serving every
 * catalog image under its Docker Hub name, read-only. The sandbox manager connects it to
 * each learner's network as `catalog.slipway`, the registry mirror of the sandbox's dockerd.
 */
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { CATALOG } from './definitions';
import type { Progress } from './build';
import type { BuildEvent } from './progress';

export const CATALOG_CONTAINER = 'slipway-catalog';
export const CATALOG_ALIAS = 'catalog.slipway';

const HASH_LABEL = 'slipway.catalog-hash';
/** A digest of the serving container's spec, so a changed spec replaces the container. */
const SPEC_LABEL = 'slipway.catalog-spec';
const VOLUME_LABEL = 'slipway.catalog-volume';
const FILLER = 'slipway-catalog-fill';
const REGISTRY_PORT = '5000/tcp';

/**
 * Makes sure `slipway-catalog` serves exactly the catalog whose hash is given. `images` maps
 * a definition name to the tag of its image. A catalog whose hash is unchanged is reused as
 * it is; otherwise a fresh volume (named after the hash) is filled and served read-only.
 */
export async function ensureCatalogRegistry(
  docker: Docker,
  hash: string,
  registryImage: string,
  images: ReadonlyMap<string, string>,
  onProgress: Progress,
): Promise<void> {
  const volume = `slipway-catalog-${hash.slice(0, 12)}`;
  const spec = catalogContainerSpec(registryImage, volume, hash);
  const current = await inspectOrUndefined(docker.getContainer(CATALOG_CONTAINER));
  const labels = current?.Config.Labels ?? {};
  if (labels[HASH_LABEL] === hash && labels[SPEC_LABEL] === spec.Labels![SPEC_LABEL]) {
    if (!current!.State.Running) await docker.getContainer(CATALOG_CONTAINER).start();
    onProgress(`[images] catalog registry ${CATALOG_CONTAINER} is up to date`);
    return;
  }
  if (current) {
    if (labels[HASH_LABEL] === undefined) {
      throw new Error(`a container named ${CATALOG_CONTAINER} exists that Slipway did not create; remove or rename it`);
    }
    await docker.getContainer(CATALOG_CONTAINER).remove({ force: true });
  }
  // Same catalog, another container spec (a Slipway update): the filled volume serves on.
  if (labels[HASH_LABEL] !== hash) {
    // A volume of this name without its read-only container is from an interrupted fill.
    await removeVolume(docker, volume);
    await docker.createVolume({ Name: volume, Labels: { [VOLUME_LABEL]: hash } });
    await fill(docker, volume, registryImage, images, onProgress);
  }

  const container = await docker.createContainer(spec);
  await container.start();
  onProgress(`[images] catalog registry ${CATALOG_CONTAINER} serves ${CATALOG.length} images (read-only)`);
  await removeOtherCatalogVolumes(docker, volume);
}

function catalogContainerSpec(registryImage: string, volume: string, hash: string): Docker.ContainerCreateOptions {
  const spec = {
    name: CATALOG_CONTAINER,
    Image: registryImage,
    // distribution's read-only mode: pulls work, every push is refused.
    Env: ['REGISTRY_STORAGE_MAINTENANCE_READONLY={"enabled": true}'],
    // It sits on every learner's network: it gets nothing it could use against them. No
    // capabilities (it listens on 5000), no new privileges, a read-only root and catalog.
    HostConfig: {
      Mounts: [{ Type: 'volume' as const, Source: volume, Target: '/var/lib/registry', ReadOnly: true }],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'size=16m' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: 256 * 1024 ** 2,
      PidsLimit: 256,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
      RestartPolicy: { Name: 'unless-stopped' },
    },
  };
  const digest = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  return { ...spec, Labels: { [HASH_LABEL]: hash, [SPEC_LABEL]: digest } };
}

/** Pushes every catalog image into a writable registry on the volume, through the host engine. */
async function fill(
  docker: Docker,
  volume: string,
  registryImage: string,
  images: ReadonlyMap<string, string>,
  onProgress: Progress,
): Promise<void> {
  const stale = await inspectOrUndefined(docker.getContainer(FILLER));
  if (stale) await docker.getContainer(FILLER).remove({ force: true });
  const filler = await docker.createContainer({
    name: FILLER,
    Image: registryImage,
    Labels: { [HASH_LABEL]: 'filling' },
    ExposedPorts: { [REGISTRY_PORT]: {} },
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/registry' }],
      // 127.0.0.0/8 is an insecure registry to every engine by default: plain HTTP is fine.
      PortBindings: { [REGISTRY_PORT]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
    },
  });
  try {
    await filler.start();
    const port = (await filler.inspect()).NetworkSettings.Ports[REGISTRY_PORT]?.[0]?.HostPort;
    if (!port) throw new Error(`${FILLER} got no host port`);
    const registry = `127.0.0.1:${port}`;
    for (const entry of CATALOG) {
      const source = images.get(entry.definition);
      if (!source) throw new Error(`catalog: no image for ${entry.name}:${entry.tag} (${entry.definition})`);
      const repo = `${registry}/${entry.name.includes('/') ? entry.name : `library/${entry.name}`}`;
      await docker.getImage(source).tag({ repo, tag: entry.tag });
      try {
        await pushWithRetry(docker, repo, entry.tag);
      } finally {
        await docker.getImage(`${repo}:${entry.tag}`).remove({ noprune: true });
      }
      onProgress(`[images] catalog: ${entry.name}:${entry.tag}`);
    }
  } finally {
    await filler.remove({ force: true });
  }
}

/** The registry needs a moment after its container starts; early pushes fail to connect. */
async function pushWithRetry(docker: Docker, repo: string, tag: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await push(docker, repo, tag);
    } catch (error) {
      if (attempt >= 20 || !/connection refused|EOF|connection reset/i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function push(docker: Docker, repo: string, tag: string): Promise<void> {
  // The engine wants an X-Registry-Auth header even for a registry without authentication.
  const stream = await docker.getImage(repo).push({ tag, authconfig: {} });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error, events: BuildEvent[]) => {
      const failed = events?.find((event) => event.error !== undefined);
      if (error || failed) reject(error ?? new Error(`pushing ${repo}:${tag} failed: ${failed?.error}`));
      else resolve();
    }),
  );
}

async function removeOtherCatalogVolumes(docker: Docker, keep: string): Promise<void> {
  const { Volumes } = await docker.listVolumes({ filters: JSON.stringify({ label: [VOLUME_LABEL] }) });
  for (const volume of Volumes ?? []) {
    if (volume.Name !== keep) await removeVolume(docker, volume.Name);
  }
}

async function removeVolume(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

async function inspectOrUndefined(container: Docker.Container) {
  try {
    return await container.inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
