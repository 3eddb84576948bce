/**
 * The one parse of a request's target, before any route sees it: anything a route could
 * throw on later (a path that is not origin-form, percent-encoding that does not decode, a
 * NUL) is refused here as INVALID_REQUEST.
 */
const BASE = 'http://slipway.invalid';

/** The request's URL, or null when it is malformed. */
export function parseRequestUrl(raw: string | undefined): URL | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
    const path = decodeURIComponent(url.pathname);
    if (path.includes('\0')) return null;
  } catch {
    return null;
  }
  return url;
}
