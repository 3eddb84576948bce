import { describe, expect, test } from 'vitest';
import { percentile, round, summarize, summarizeSamples } from './stats';

describe('percentile (nearest rank)', () => {
  test('picks the smallest value with at least p% of values at or below it', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });

  test('p99 of 1,000 values is the 990th smallest', () => {
    const values = Array.from({ length: 1000 }, (_, index) => 1000 - index);
    expect(percentile(values, 99)).toBe(990);
  });

  test('one value is every percentile; none is NaN; the input is not reordered', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

test('summarize rounds every figure', () => {
  expect(summarize([1.234, 2.345, 3.456], 2)).toEqual({ n: 3, min: 1.23, p50: 2.35, p95: 3.46, p99: 3.46, max: 3.46 });
  expect(round(2.25, 1)).toBe(2.3);
});

describe('summarizeSamples', () => {
  test('RSS first, max, mean and last; CPU in cores per interval and over the span', () => {
    const samples = [
      { at: 0, rssMiB: 100, cpuSeconds: 10 },
      { at: 5, rssMiB: 140, cpuSeconds: 12.5 },
      { at: 10, rssMiB: 120, cpuSeconds: 13 },
      // A longer gap: the mean is over time, not over intervals.
      { at: 30, rssMiB: 120, cpuSeconds: 15 },
    ];
    expect(summarizeSamples(samples)).toEqual({
      samples: 4,
      rssMiB: { first: 100, max: 140, mean: 120, last: 120 },
      cpuCores: { max: 0.5, mean: 0.17 },
    });
  });

  test('one sample has no CPU figures; none has none at all', () => {
    expect(summarizeSamples([{ at: 0, rssMiB: 80, cpuSeconds: 1 }]).cpuCores).toEqual({ max: Number.NaN, mean: Number.NaN });
    expect(summarizeSamples([]).rssMiB.max).toBeNaN();
  });
});
