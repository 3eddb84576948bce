/**
 * What a sandbox may reach, enforced on the engine's host with iptables. Every session
 * network of the private engine has a bridge named `<prefix><network>` (see
 * `sessionBridgeName`), so one interface wildcard covers every sandbox and nothing else:
 *
 * - to the host itself (any of its addresses: Slipway's port, engine sockets, sshd…):
 *   nothing but replies to connections the host opened (Slipway reading an inner engine,
 *   a port preview);
 * - within its own session network (bridged, never routed): everything, as on a LAN;
 * - to another session network, private, shared, link-local (cloud metadata) and loopback
 *   ranges: nothing;
 * - to the public internet: what SLIPWAY_EGRESS says (`internet` or `none`); with `internet`,
 *   also DNS (port 53 only) to the host's own resolvers, which are often at private addresses
 *   (Docker forwards a sandbox's lookups of outside names to them from the sandbox's network);
 * - over IPv6: nothing (session networks have no IPv6, but a learner root in their network
 *   namespace could bring up a link-local address).
 *
 * The rule lists are pure; `installEgressPolicy` applies them, replacing the engine's
 * previous rules, so a restart with another SLIPWAY_EGRESS takes effect.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export type EgressMode = 'internet' | 'none';

/** Ranges a sandbox never reaches, whatever SLIPWAY_EGRESS says. */
export const BLOCKED_RANGES = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

export interface EgressChains {
  input: string;
  forward: string;
}

export const egressChains = (engineId: string): EgressChains => ({
  input: `SLIPWAY-IN-${engineId}`,
  forward: `SLIPWAY-FWD-${engineId}`,
});

/** The bridge interface of a session network: `sw<engine id>s<network id>`, 15 characters. */
export const sessionBridgePrefix = (engineId: string) => `sw${engineId}s`;
export const sessionBridgeName = (engineId: string, networkId: string) => `${sessionBridgePrefix(engineId)}${networkId.slice(0, 8)}`;
/** The engine's default bridge (image builds), outside the sandboxes' wildcard. */
export const buildBridgeName = (engineId: string) => `sw${engineId}b`;

export interface EgressRules {
  /** Commands for iptables, in order: chain bodies first, then the jumps into them. */
  ipv4: string[][];
  ipv6: string[][];
}

export function egressRules(engineId: string, mode: EgressMode, resolvers: readonly string[] = []): EgressRules {
  const chains = egressChains(engineId);
  const sandboxes = `${sessionBridgePrefix(engineId)}+`;
  const reject = (...match: string[]) => [
    ['-A', chains.forward, ...match, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-A', chains.forward, ...match, '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'],
  ];
  const ipv4 = [
    ['-A', chains.input, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
    ['-A', chains.input, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-A', chains.input, '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'],
    ['-A', chains.forward, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
    // Between the nodes of one session: bridged inside its own network, never routed.
    ['-A', chains.forward, '-m', 'physdev', '--physdev-is-bridged', '-j', 'RETURN'],
    ...reject('-o', sandboxes),
    ...(mode === 'internet'
      ? resolvers.flatMap((resolver) => ['udp', 'tcp'].map((protocol) => ['-A', chains.forward, '-d', resolver, '-p', protocol, '--dport', '53', '-j', 'RETURN']))
      : []),
    ...BLOCKED_RANGES.flatMap((range) => reject('-d', range)),
    ...(mode === 'none' ? reject() : [['-A', chains.forward, '-j', 'RETURN']]),
    ['-I', 'INPUT', '1', '-i', sandboxes, '-j', chains.input],
    // DOCKER-USER comes first in FORWARD, before Docker's own accept rules, and Docker never
    // rewrites it.
    ['-I', 'DOCKER-USER', '1', '-i', sandboxes, '-j', chains.forward],
  ];
  const ipv6 = [
    ['-I', 'INPUT', '1', '-i', sandboxes, '-j', 'DROP'],
    ['-I', 'FORWARD', '1', '-i', sandboxes, '-j', 'DROP'],
  ];
  return { ipv4, ipv6 };
}

/** The jumps the rules insert, as `-D` commands, so re-installing never stacks them. */
function removals(rules: string[][]): string[][] {
  return jumps(rules).map((rule) => ['-D', rule[1]!, ...rule.slice(3)]);
}

const jumps = (rules: string[][]) => rules.filter((rule) => rule[0] === '-I');

/**
 * The chains' bodies as one iptables-restore transaction: declaring a chain creates or empties
 * it, and the whole table changes at once, so a restart never leaves sandboxes a moment
 * without rules.
 */
export function restoreScript(rules: string[][], chains: readonly string[]): string {
  const body = rules.filter((rule) => rule[0] === '-A').map((rule) => rule.join(' '));
  return ['*filter', ...chains.map((chain) => `:${chain} - [0:0]`), ...body, 'COMMIT', ''].join('\n');
}

/** The IPv4 name servers of resolv.conf, but loopback ones (a local stub Docker does not forward to). */
export function resolversOf(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^\s*nameserver\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/gm)].map((match) => match[1]!).filter((address) => !address.startsWith('127.'));
}

export function installEgressPolicy(engineId: string, mode: EgressMode, log: (line: string) => void): void {
  const resolvers = existsSync('/etc/resolv.conf') ? resolversOf(readFileSync('/etc/resolv.conf', 'utf8')) : [];
  const { ipv4, ipv6 } = egressRules(engineId, mode, resolvers);
  const restored = spawnSync('iptables-restore', ['-w', '--noflush'], { input: restoreScript(ipv4, Object.values(egressChains(engineId))), encoding: 'utf8' });
  if (restored.status !== 0) throw new Error(`iptables-restore of the egress rules failed: ${(restored.stderr || restored.error?.message || '').trim()}`);
  // The jumps stay in place across restarts; each is added once.
  for (const rule of jumps(ipv4)) ensureJump('iptables', rule);
  if (!iptables('ip6tables', ['-S', 'INPUT']).ok) {
    log('egress: ip6tables is not usable here; sandboxes have no IPv6 addresses of their own, but nothing drops IPv6 from them');
  } else {
    for (const rule of jumps(ipv6)) ensureJump('ip6tables', rule);
  }
  log(`egress: sandboxes reach their own session and ${mode === 'internet' ? 'the public internet' : 'nothing else'}; never this host, other sessions or private ranges`);
}

/** Takes an engine's rules and chains out again (for an engine that is gone for good). */
export function removeEgressPolicy(engineId: string): void {
  const { ipv4, ipv6 } = egressRules(engineId, 'none');
  for (const rule of removals(ipv4)) while (iptables('iptables', rule).ok);
  for (const rule of removals(ipv6)) while (iptables('ip6tables', rule).ok);
  for (const chain of Object.values(egressChains(engineId))) {
    iptables('iptables', ['-F', chain]);
    iptables('iptables', ['-X', chain]);
  }
}

function ensureJump(command: string, rule: string[]): void {
  const [, chain, , ...match] = rule;
  if (!iptables(command, ['-C', chain!, ...match]).ok) iptables(command, rule, true);
}

function iptables(command: string, args: string[], required = false): { ok: boolean } {
  const result = spawnSync(command, ['-w', ...args], { encoding: 'utf8' });
  if (required && result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  }
  return { ok: result.status === 0 };
}
