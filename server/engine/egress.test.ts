import { describe, expect, it } from 'vitest';
import { resolversOf, restoreScript, BLOCKED_RANGES, buildBridgeName, egressChains, egressRules, sessionBridgeName, sessionBridgePrefix } from './egress';

describe('egress rules', () => {
  const { ipv4, ipv6 } = egressRules('ab12', 'internet');
  const lines = ipv4.map((rule) => rule.join(' '));

  it('name every session bridge within the 15 characters of an interface name, and builds outside the wildcard', () => {
    const bridge = sessionBridgeName('ab12', '0123456789');
    expect(bridge).toBe('swab12s01234567');
    expect(bridge.length).toBeLessThanOrEqual(15);
    expect(bridge.startsWith(sessionBridgePrefix('ab12'))).toBe(true);
    expect(buildBridgeName('ab12').startsWith(sessionBridgePrefix('ab12'))).toBe(false);
  });

  it('let the host in only as replies to what it opened', () => {
    const { input } = egressChains('ab12');
    expect(lines).toContain('-I INPUT 1 -i swab12s+ -j SLIPWAY-IN-ab12');
    const inputRules = lines.filter((line) => line.startsWith(`-A ${input}`));
    expect(inputRules[0]).toContain('ESTABLISHED,RELATED -j ACCEPT');
    expect(inputRules.slice(1).every((line) => line.includes('REJECT'))).toBe(true);
  });

  it('refuse every private, shared, link-local and loopback range, before the internet', () => {
    const forward = lines.filter((line) => line.startsWith('-A SLIPWAY-FWD-ab12'));
    for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8']) {
      expect(BLOCKED_RANGES).toContain(range);
      expect(forward.some((line) => line.includes(`-d ${range} -j REJECT`))).toBe(true);
    }
    expect(forward.findIndex((line) => line.includes('-o swab12s+'))).toBeLessThan(forward.length - 1);
    expect(forward.at(-1)).toBe('-A SLIPWAY-FWD-ab12 -j RETURN');
    expect(lines).toContain('-I DOCKER-USER 1 -i swab12s+ -j SLIPWAY-FWD-ab12');
  });

  it('with SLIPWAY_EGRESS=none end in a refusal instead', () => {
    const none = egressRules('ab12', 'none').ipv4.map((rule) => rule.join(' ')).filter((line) => line.startsWith('-A SLIPWAY-FWD-ab12'));
    expect(none.at(-1)).toContain('REJECT');
    expect(none).not.toContain('-A SLIPWAY-FWD-ab12 -j RETURN');
  });

  it('drop all IPv6 from sandboxes', () => {
    expect(ipv6.map((rule) => rule.join(' '))).toEqual(['-I INPUT 1 -i swab12s+ -j DROP', '-I FORWARD 1 -i swab12s+ -j DROP']);
  });
});

describe('DNS to the host’s resolvers', () => {
  it('reads resolv.conf, leaving out loopback stubs', () => {
    expect(resolversOf('# x\nnameserver 10.255.255.53\nnameserver 127.0.0.53\nnameserver fe80::1\noptions ndots:0\n')).toEqual(['10.255.255.53']);
  });

  it('passes port 53 to them before the private ranges are refused, and only with internet egress', () => {
    const lines = egressRules('ab12', 'internet', ['10.255.255.53']).ipv4.map((rule) => rule.join(' '));
    const dns = lines.indexOf('-A SLIPWAY-FWD-ab12 -d 10.255.255.53 -p udp --dport 53 -j RETURN');
    expect(dns).toBeGreaterThan(-1);
    expect(lines).toContain('-A SLIPWAY-FWD-ab12 -d 10.255.255.53 -p tcp --dport 53 -j RETURN');
    expect(dns).toBeLessThan(lines.findIndex((line) => line.includes('-d 10.0.0.0/8')));
    expect(egressRules('ab12', 'none', ['10.255.255.53']).ipv4.some((rule) => rule.includes('--dport'))).toBe(false);
  });
});

describe('installing the rules', () => {
  it('replaces both chains in one iptables-restore transaction, the jumps left out of it', () => {
    const { ipv4 } = egressRules('ab12', 'internet');
    const script = restoreScript(ipv4, Object.values(egressChains('ab12')));
    const lines = script.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['*filter', ':SLIPWAY-IN-ab12 - [0:0]', ':SLIPWAY-FWD-ab12 - [0:0]']);
    expect(lines.at(-1)).toBe('COMMIT');
    expect(lines.filter((line) => line.startsWith('-A ')).length).toBe(ipv4.filter((rule) => rule[0] === '-A').length);
    expect(script).not.toMatch(/-I (INPUT|DOCKER-USER)/);
  });
});
