/**
 * The private engine's addresses: a /16 of its own for the build bridge and the learners'
 * session networks, chosen so that it overlaps none of the host's routes and, by a hash of
 * the state directory, differs between two Slipways on one machine. Pure.
 *
 * Inside the /16, the last /24 is the engine's default bridge (used by image builds) and the
 * first half is the pool session networks are cut from, one small subnet each: a /28 holds a
 * session's five nodes, the catalog and the gateway, and a /17 holds 2048 of them (Docker's
 * own default pools hold 30).
 */
import { createHash } from 'node:crypto';

export interface Cidr {
  /** The network address as a 32-bit unsigned integer. */
  base: number;
  prefix: number;
}

export interface EngineAddresses {
  /** Where session networks are allocated from (dockerd --default-address-pool base=…). */
  pool: string;
  /** The size of each session network (…,size=N). */
  subnetPrefix: number;
  /** The build bridge's own address with its prefix, e.g. 10.201.255.1/24. */
  bridgeAddress: string;
  /** The whole range this engine owns, for firewall rules. */
  range: string;
}

export const SESSION_SUBNET_PREFIX = 28;
/** Candidates are 10.128.0.0/16 … 10.255.0.0/16: far from the ranges home routers and clouds hand out first. */
const CANDIDATE_FIRST = (10 << 24) | (128 << 16);
const CANDIDATES = 128;

export function parseCidr(text: string): Cidr | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return null;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return null;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  return { base: (address & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.base)}/${cidr.prefix}`;
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const shorter = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(shorter)) >>> 0) === ((b.base & mask(shorter)) >>> 0);
}

/**
 * The engine's range: the configured one, else the first candidate /16 from the state
 * directory's hash on that overlaps no host route.
 */
export function chooseRange(stateDir: string, hostRoutes: readonly Cidr[], configured?: Cidr): Cidr {
  if (configured) return configured;
  const start = createHash('sha256').update(stateDir).digest().readUInt32BE(0) % CANDIDATES;
  for (let step = 0; step < CANDIDATES; step += 1) {
    const candidate = { base: (CANDIDATE_FIRST + (((start + step) % CANDIDATES) << 16)) >>> 0, prefix: 16 };
    // The default route (0.0.0.0/0) overlaps everything and says nothing about local networks.
    if (!hostRoutes.some((route) => route.prefix > 0 && overlaps(route, candidate))) return candidate;
  }
  throw new Error('no free /16 in 10.128.0.0/9 for the private engine; set SLIPWAY_SUBNET_POOL to a free range');
}

/** Splits a range (a /8 to a /20) into the session pool and the build bridge. */
export function engineAddresses(range: Cidr): EngineAddresses {
  if (range.prefix < 8 || range.prefix > 20) throw new Error(`SLIPWAY_SUBNET_POOL must be a /8 to a /20, not /${range.prefix}`);
  const size = 2 ** (32 - range.prefix);
  const bridgeNetwork = range.base + size - 256;
  return {
    pool: formatCidr({ base: range.base, prefix: range.prefix + 1 }),
    subnetPrefix: SESSION_SUBNET_PREFIX,
    bridgeAddress: `${formatAddress(bridgeNetwork + 1)}/24`,
    range: formatCidr(range),
  };
}

/** The IPv4 routes in /proc/net/route's format (little-endian hex destination and mask). */
export function parseProcRoutes(text: string): Cidr[] {
  const routes: Cidr[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const destination = Number.parseInt(fields[1]!, 16);
    const netmask = Number.parseInt(fields[7]!, 16);
    if (Number.isNaN(destination) || Number.isNaN(netmask)) continue;
    const swap = (value: number) => ((value & 255) << 24 | ((value >>> 8) & 255) << 16 | ((value >>> 16) & 255) << 8 | (value >>> 24)) >>> 0;
    const prefix = swap(netmask).toString(2).replace(/0+$/, '').length;
    routes.push({ base: swap(destination), prefix });
  }
  return routes;
}
