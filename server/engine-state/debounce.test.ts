import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { Debouncer } from './debounce';

function harness() {
  const clock = new ManualClock();
  const fired: number[] = [];
  const debouncer = new Debouncer(clock, 100, 500, () => fired.push(clock.now()));
  return { clock, fired, debouncer };
}

describe('Debouncer', () => {
  it('fires once a burst has been quiet for the quiet period', () => {
    const { clock, fired, debouncer } = harness();
    for (const gap of [0, 30, 30, 30]) {
      clock.advance(gap);
      debouncer.poke();
    }
    clock.advance(1000);
    expect(fired).toEqual([190]);
    expect(debouncer.pending).toBe(false);
  });

  it('fires a steady stream at the maximum delay after its first poke', () => {
    const { clock, fired, debouncer } = harness();
    for (let t = 0; t < 1200; t += 50) {
      debouncer.poke();
      clock.advance(50);
    }
    clock.advance(1000);
    // Pokes every 50 ms until 1150: bursts start at 0 and 500, the last ends quiet at 1250.
    expect(fired).toEqual([500, 1000, 1250]);
  });

  it('forgets a cancelled burst', () => {
    const { clock, fired, debouncer } = harness();
    debouncer.poke();
    debouncer.cancel();
    clock.advance(1000);
    expect(fired).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
