import { describe, expect, it } from 'vitest';
import { chooseRange, engineAddresses, formatCidr, overlaps, parseCidr, parseProcRoutes } from './address-pool';

const cidr = (text: string) => parseCidr(text)!;

describe('engine address range', () => {
  it('parses and formats IPv4 ranges, normalising the host bits', () => {
    expect(formatCidr(cidr('10.201.3.7/16'))).toBe('10.201.0.0/16');
    expect(parseCidr('10.300.0.0/16')).toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('fe80::/64')).toBeNull();
  });

  it('tells overlapping ranges apart', () => {
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.201.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.201.0.0/16'), cidr('10.202.0.0/16'))).toBe(false);
  });

  it('picks the same /16 for a state directory every time, and another for another', () => {
    const first = chooseRange('/var/lib/slipway/engine', []);
    expect(chooseRange('/var/lib/slipway/engine', [])).toEqual(first);
    const others = new Set(['/a', '/b', '/c', '/d', '/e'].map((dir) => formatCidr(chooseRange(dir, []))));
    expect(others.size).toBeGreaterThan(1);
    expect(formatCidr(first)).toMatch(/^10\.(1[2-9]\d|2[0-5]\d)\.0\.0\/16$/);
  });

  it("skips every /16 a host route covers, ignoring the default route", () => {
    const wanted = chooseRange('/state', []);
    const next = chooseRange('/state', [cidr('0.0.0.0/0'), { ...wanted, prefix: 24 }]);
    expect(next).not.toEqual(wanted);
    expect(chooseRange('/state', [cidr('0.0.0.0/0')])).toEqual(wanted);
  });

  it('takes a configured range as it is', () => {
    expect(chooseRange('/state', [], cidr('172.30.0.0/16'))).toEqual(cidr('172.30.0.0/16'));
  });

  it('splits a /16 into a pool of 2048 session /28s and a build bridge outside it', () => {
    const addresses = engineAddresses(cidr('10.201.0.0/16'));
    expect(addresses).toEqual({ pool: '10.201.0.0/17', subnetPrefix: 28, bridgeAddress: '10.201.255.1/24', range: '10.201.0.0/16' });
    expect(2 ** (addresses.subnetPrefix - 17)).toBe(2048);
    expect(overlaps(cidr(addresses.pool), cidr('10.201.255.0/24'))).toBe(false);
    expect(() => engineAddresses(cidr('10.201.0.0/24'))).toThrow(/\/8 to a \/20/);
  });

  it('reads /proc/net/route', () => {
    const table = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    ].join('\n');
    expect(parseProcRoutes(table).map(formatCidr)).toEqual(['0.0.0.0/0', '192.0.2.0/24', '172.17.0.0/16']);
  });
});
