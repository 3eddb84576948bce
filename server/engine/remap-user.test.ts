import { describe, expect, it } from 'vitest';
import { freeRange, parseSubordinateIds, passwdIds, REMAP_SIZE } from './remap-user';

describe('the sandboxes’ subordinate id range', () => {
  it('reads /etc/subuid lines and skips broken ones', () => {
    expect(parseSubordinateIds('alice:100000:65536\nbroken\nbob:165536:65536\n')).toEqual([
      { name: 'alice', start: 100000, size: 65536 },
      { name: 'bob', start: 165536, size: 65536 },
    ]);
  });

  it('is large enough for rootless Podman inside (the learner’s 100000-165535 must map)', () => {
    expect(REMAP_SIZE).toBeGreaterThanOrEqual(165_536);
  });

  it('starts clear of the usual ranges of ordinary users', () => {
    const range = freeRange(parseSubordinateIds('alice:100000:65536\nbob:165536:65536'));
    expect(range).toEqual({ start: 524_288, size: REMAP_SIZE });
  });

  it('moves past any range or uid it would overlap, to a 65536 boundary', () => {
    const taken = [{ start: 600_000, size: 65_536 }, ...passwdIds('nobody:x:65534:65534::/:/bin/false\nodd:x:800000:1::/:/bin/sh')];
    const range = freeRange(taken);
    expect(range.start % 65_536).toBe(0);
    expect(range.start).toBeGreaterThan(800_000);
    for (const other of taken) expect(other.start >= range.start + range.size || other.start + other.size <= range.start).toBe(true);
  });
});
