import { describe, expect, it } from 'vitest';
import { dataFilesystemSize, mountedAsBtrfs } from './data-filesystem';

const GIB = 1024 ** 3;

describe('the engine’s data file system', () => {
  it('is 64 GiB or 80% of the free space, whichever is less, and at least 8 GiB; a configured size wins', () => {
    expect(dataFilesystemSize(200 * GIB)).toBe(64 * GIB);
    expect(dataFilesystemSize(50 * GIB)).toBe(40 * GIB);
    expect(dataFilesystemSize(2 * GIB)).toBe(8 * GIB);
    expect(dataFilesystemSize(200 * GIB, 10 * GIB)).toBe(10 * GIB);
  });

  it('tells a btrfs mount from another mount and from none', () => {
    const mountinfo = [
      '100 1 7:0 / /state/engine/data rw,relatime - btrfs /dev/loop0 rw,space_cache=v2',
      '101 1 7:1 / /other rw,relatime - ext4 /dev/loop1 rw',
    ].join('\n');
    expect(mountedAsBtrfs(mountinfo, '/state/engine/data')).toBe(true);
    expect(mountedAsBtrfs(mountinfo, '/other')).toBe(false);
    expect(mountedAsBtrfs(mountinfo, '/nowhere')).toBeNull();
  });
});
