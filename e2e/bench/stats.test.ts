import { describe, expect, test } from 'vitest';
import { percentile, round, summarize } from './stats';

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
