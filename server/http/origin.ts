/**
 * A WebSocket may only be opened by Slipway's own page (or an origin the operator allows):
 * browsers send cookies with cross-site WebSocket handshakes, so without this check any
 * web page could drive a learner's shell.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return false;
  if (allowed.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
}
