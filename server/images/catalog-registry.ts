/**
 * The catalog registry: the container `slipway-catalog` on the host engine, serving every
 * catalog image under its Docker Hub name, read-only. The sandbox manager connects it to
 * each learner's network as `catalog.slipway`, the registry mirror of the sandbox's dockerd.
 */
import type Docker from 'dockerode';
import { CATALOG } from './definitions';
import type { Progress } from './build';
import type { BuildEvent } from './progress';

export const CATALOG_CONTAINER = 'slipway-catalog';
export const CATALOG_ALIAS = 'catalog.slipway';

const HASH_LABEL = 'slipway.catalog-hash';
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
  const current = await inspectOrUndefined(docker.getContainer(CATALOG_CONTAINER));
  if (current?.Config.Labels?.[HASH_LABEL] === hash) {
    if (!current.State.Running) await docker.getContainer(CATALOG_CONTAINER).start();
    onProgress(`[images] catalog registry ${CATALOG_CONTAINER} is up to date`);
    return;
  }
  if (current) {
    if (current.Config.Labels?.[HASH_LABEL] === undefined) {
      throw new Error(`a container named ${CATALOG_CONTAINER} exists that Slipway did not create; remove or rename it`);
    }
    await docker.getContainer(CATALOG_CONTAINER).remove({ force: true });
  }

  const volume = `slipway-catalog-${hash.slice(0, 12)}`;
  // A volume of this name without its read-only container is from an interrupted fill.
  await removeVolume(docker, volume);
  await docker.createVolume({ Name: volume, Labels: { [VOLUME_LABEL]: hash } });
  await fill(docker, volume, registryImage, images, onProgress);

  const container = await docker.createContainer({
    name: CATALOG_CONTAINER,
    Image: registryImage,
    Labels: { [HASH_LABEL]: hash },
    // distribution's read-only mode: pulls work, every push is refused.
    Env: ['REGISTRY_STORAGE_MAINTENANCE_READONLY={"enabled": true}'],
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/registry' }],
      RestartPolicy: { Name: 'unless-stopped' },
    },
  });
  await container.start();
  onProgress(`[images] catalog registry ${CATALOG_CONTAINER} serves ${CATALOG.length} images (read-only)`);
  await removeOtherCatalogVolumes(docker, volume);
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
      const repo = `${registry}/library/${entry.name}`;
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
