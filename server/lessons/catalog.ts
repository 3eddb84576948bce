/**
 * Images the sandboxes have offline. A placeholder until the sandbox module owns the catalog:
 * lessons may only use these. Tags are listed; a bare name means its `latest` tag.
 */
export const CATALOG_IMAGES: readonly string[] = [
  'hello-world',
  'busybox',
  'debian:trixie-slim',
  'debian:trixie',
  'debian:latest',
  'debian:bookworm-slim',
  'debian:bookworm',
  'nginx',
  'redis',
  'python:3',
  'python:latest',
  'python:3-slim',
  'registry:2',
];
