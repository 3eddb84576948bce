/**
 * Slipway's images: the sandbox, the offline catalog and the registry that serves it, each
 * built once per content hash of its definition (see docs/IMAGES.md).
 */
import path from 'node:path';
import type Docker from 'dockerode';
import { buildBase, buildDockerfile, imageExists, RootfsCache, type Progress } from './build';
import { CATALOG_ALIAS, CATALOG_CONTAINER, ensureCatalogRegistry } from './catalog-registry';
import { BASE_RECIPE, CATALOG, DEFINITIONS, DEFINITIONS_DIR, REGISTRY_DEFINITION, SANDBOX_DEFINITION, type Definition } from './definitions';
import { buildOrder, catalogHash, definitionHash, imageTag, parentOf } from './plan';
import { readDefinitionFiles } from './tree';

export { CATALOG, catalogImageFor, type CatalogImage } from './definitions';
export { CATALOG_ALIAS, CATALOG_CONTAINER } from './catalog-registry';

export interface EnsuredImages {
  /** The image to run sandboxes from, e.g. "slipway/sandbox:0123456789ab". */
  sandboxImage: string;
  /** Connect this container to a learner's network under this alias. */
  catalogRegistry: { container: typeof CATALOG_CONTAINER; alias: typeof CATALOG_ALIAS };
}

interface PlannedImage {
  definition: Definition;
  hash: string;
  tag: string;
}

/** Builds what is missing, in dependency order, and makes the catalog registry serve it. */
export async function ensureImages(docker: Docker, onProgress: (line: string) => void): Promise<EnsuredImages> {
  const images = await ensureDefinitions(docker, onProgress);
  const tagOf = (name: string) => images.get(name)!.tag;
  const registry = images.get(REGISTRY_DEFINITION)!;
  const hash = catalogHash(
    CATALOG.map((entry) => ({ reference: `${entry.name}:${entry.tag}`, imageHash: images.get(entry.definition)!.hash })),
    registry.hash,
  );
  await ensureCatalogRegistry(
    docker,
    hash,
    registry.tag,
    new Map(CATALOG.map((entry) => [entry.definition, tagOf(entry.definition)])),
    onProgress,
  );
  return {
    sandboxImage: tagOf(SANDBOX_DEFINITION),
    catalogRegistry: { container: CATALOG_CONTAINER, alias: CATALOG_ALIAS },
  };
}

async function ensureDefinitions(docker: Docker, onProgress: Progress): Promise<Map<string, PlannedImage>> {
  const planned = new Map<string, PlannedImage>();
  const rootfs = new RootfsCache(onProgress);
  try {
    for (const definition of buildOrder(DEFINITIONS)) {
      const parentName = parentOf(definition);
      const parent = parentName === undefined ? undefined : planned.get(parentName)!;
      const hash = await hashOf(definition, parent?.hash);
      const image = { definition, hash, tag: imageTag(definition.name, hash) };
      planned.set(definition.name, image);
      if (await imageExists(docker, image.tag)) continue;

      const started = Date.now();
      onProgress(`[images] building ${definition.name} as ${image.tag}`);
      if (definition.kind === 'debootstrap') {
        await buildBase(docker, definition.name, definition.suite, definition.slim, image.tag, rootfs, onProgress);
      } else {
        await buildDockerfile(docker, definition.name, image.tag, parent!.tag, onProgress);
      }
      onProgress(`[images] built ${image.tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await rootfs.removeAll();
  }
  return planned;
}

async function hashOf(definition: Definition, parentHash: string | undefined): Promise<string> {
  if (definition.kind === 'debootstrap') {
    const files = await readDefinitionFiles(path.join(DEFINITIONS_DIR, 'base'));
    const recipe = { suite: definition.suite, slim: definition.slim, ...BASE_RECIPE };
    return definitionHash(files, recipe, undefined);
  }
  return definitionHash(await readDefinitionFiles(path.join(DEFINITIONS_DIR, definition.name)), {}, parentHash);
}
