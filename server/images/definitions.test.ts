import { describe, expect, it } from 'vitest';
import { CATALOG, catalogImageFor } from './definitions';

describe('catalogImageFor', () => {
  it('finds an image by any of the ways a learner may write it', () => {
    for (const reference of ['nginx', 'nginx:latest', 'library/nginx', 'docker.io/library/nginx:latest', 'docker.io/nginx']) {
      expect(catalogImageFor(reference)).toMatchObject({ name: 'nginx', tag: 'latest' });
    }
    expect(catalogImageFor('python:3-slim')).toMatchObject({ definition: 'python-slim' });
    expect(catalogImageFor('registry:2')).toMatchObject({ definition: 'registry' });
    expect(catalogImageFor('docker.io/slipway/git-server')).toMatchObject({ definition: 'git-server' });
  });

  it('finds nothing for images or tags that are not in the catalog', () => {
    for (const reference of ['alpine', 'nginx:1.25', 'registry', 'ghcr.io/library/nginx', 'someone/nginx', 'slipway/nginx', 'NGINX']) {
      expect(catalogImageFor(reference)).toBeUndefined();
    }
  });

  it('lists each name and tag once', () => {
    const references = CATALOG.map((image) => `${image.name}:${image.tag}`);
    expect(new Set(references).size).toBe(references.length);
  });
});
