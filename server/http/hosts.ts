/**
 * Which host names Slipway answers to. A page on a foreign name that resolves to Slipway
 * (DNS rebinding) sends that name as `Host`, and its own origin as `Origin`; comparing the
 * two proves nothing, so both are checked against this list instead: localhost, loopback,
 * this machine's own addresses and names, the host of SLIPWAY_PUBLIC_URL and
 * SLIPWAY_ALLOWED_HOSTS. Pure, apart from `machineHostNames` which reads the machine.
 */
import { hostname, networkInterfaces } from 'node:os';

export interface HostPolicy {
  /** Lowercase host names and addresses (IPv6 without brackets), without ports. */
  readonly names: ReadonlySet<string>;
  /** Full origins (`https://workshop.example`) also allowed to open the WebSocket. */
  readonly origins: ReadonlySet<string>;
}

export function hostPolicy(names: Iterable<string>, origins: Iterable<string> = []): HostPolicy {
  return { names: new Set([...names].map((name) => name.toLowerCase())), origins: new Set(origins) };
}

/** This machine's own names and addresses, each interface's included. */
export function machineHostNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
  const name = hostname();
  return ['localhost', name, `${name}.local`, ...addresses];
}

/** `Host` header → bare lowercase name: `[::1]:8080` → `::1`, `Example:80` → `example`. */
export function hostName(host: string | undefined): string | null {
  if (!host) return null;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/@]+))(?::\d{1,5})?$/.exec(host.trim());
  if (!match) return null;
  return (match[1] ?? match[2]!).toLowerCase().replace(/\.$/, '');
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function hostAllowed(host: string | undefined, policy: HostPolicy): boolean {
  const name = hostName(host);
  if (!name) return false;
  return policy.names.has(name) || name.endsWith('.localhost') || LOOPBACK_V4.test(name) || name === '::1';
}

/**
 * A WebSocket may only be opened by Slipway's own page (or an origin the operator allows):
 * browsers send cookies with cross-site WebSocket handshakes, so without this check any
 * web page could drive a learner's shell. The page's own origin is on the request's host,
 * which must itself be one Slipway answers to.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, policy: HostPolicy): boolean {
  if (!origin) return false;
  if (policy.origins.has(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host && hostAllowed(host, policy);
}

/** The policy the configuration gives, on top of this machine's own names. */
export function configuredHostPolicy(
  config: { publicUrl?: string; allowedHosts: readonly string[]; allowedOrigins: readonly string[] },
  machineNames: readonly string[],
): HostPolicy {
  const publicUrl = config.publicUrl ? new URL(config.publicUrl) : null;
  const publicName = publicUrl && hostName(publicUrl.host);
  return hostPolicy(
    [...machineNames, ...config.allowedHosts, ...(publicName ? [publicName] : [])],
    [...config.allowedOrigins, ...(publicUrl ? [publicUrl.origin] : [])],
  );
}
