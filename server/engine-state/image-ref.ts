/**
 * Image references as the Docker CLI reads them, so that a lesson's `nginx` matches the
 * engine's `nginx:latest` and `docker.io/library/nginx:latest`.
 */

/** "nginx" -> "nginx:latest"; "docker.io/library/nginx:1.27@sha256:..." -> "nginx:1.27". */
export function normalizeImageRef(ref: string): string {
  let name = ref.trim().replace(/@sha256:[0-9a-f]+$/i, '');
  name = name.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  const lastSlash = name.lastIndexOf('/');
  return name.indexOf(':', lastSlash + 1) === -1 ? `${name}:latest` : name;
}

export function sameImage(a: string, b: string): boolean {
  return normalizeImageRef(a) === normalizeImageRef(b);
}

/** Image ids are written in full (sha256:...) or short (first 12 hex digits). */
export function sameImageId(id: string, reference: string): boolean {
  const bare = (value: string) => value.replace(/^sha256:/, '');
  return reference.length >= 12 && /^(sha256:)?[0-9a-f]+$/.test(reference) && bare(id).startsWith(bare(reference));
}
