/**
 * Images the sandboxes have offline, as lessons name them: the image catalog's entries
 * (server/images/definitions.ts). Lessons may use only these.
 */
import { CATALOG } from '../images/definitions';

export const CATALOG_IMAGES: readonly string[] = CATALOG.map(({ name, tag }) => `${name}:${tag}`);
