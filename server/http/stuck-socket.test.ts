import { describe, expect, it } from 'vitest';
import { SOCKET_QUEUE, StuckWatch } from './stuck-socket';

const { STUCK_QUEUED_BYTES, STUCK_MS, MAX_QUEUED_BYTES } = SOCKET_QUEUE;

describe('StuckWatch', () => {
  it('lets a socket that drains go on, however often it fills', () => {
    const watch = new StuckWatch();
    for (let t = 0; t < 10 * STUCK_MS; t += 1000) {
      expect(watch.stuck(STUCK_QUEUED_BYTES, t)).toBe(false);
      expect(watch.stuck(0, t + 500)).toBe(false);
    }
  });
  it('closes a socket that stays full for STUCK_MS', () => {
    const watch = new StuckWatch();
    expect(watch.stuck(STUCK_QUEUED_BYTES, 0)).toBe(false);
    expect(watch.stuck(STUCK_QUEUED_BYTES * 2, STUCK_MS - 1)).toBe(false);
    expect(watch.stuck(STUCK_QUEUED_BYTES, STUCK_MS)).toBe(true);
  });
  it('closes at once past the hard cap', () => {
    expect(new StuckWatch().stuck(MAX_QUEUED_BYTES, 0)).toBe(true);
  });
});
