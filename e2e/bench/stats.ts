/** Pure helpers for the benchmark: percentiles, rounding, and a process's figures over time. */

/** The p-th percentile (0..100) of `values` by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * sorted.length);
  return sorted[Math.max(rank, 1) - 1]!;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** n, min, p50, p95, p99 and max of `values`, rounded to `digits` decimals. */
export function summarize(values: readonly number[], digits = 1): Summary {
  const r = (value: number) => round(value, digits);
  return {
    n: values.length,
    min: r(Math.min(...values)),
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    p99: r(percentile(values, 99)),
    max: r(Math.max(...values)),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** One reading of a process: seconds since the first, its RSS, and its CPU time so far. */
export interface ProcessSample {
  at: number;
  rssMiB: number;
  cpuSeconds: number;
}

/**
 * RSS (first, max, mean, last) and CPU in cores busy (the largest between two samples, and
 * over the whole span) of a process read now and then; CPU is NaN with fewer than two samples.
 */
export function summarizeSamples(samples: readonly ProcessSample[]) {
  const rss = samples.map((sample) => sample.rssMiB);
  const intervals = samples.slice(1).map((sample, index) => {
    const before = samples[index]!;
    return (sample.cpuSeconds - before.cpuSeconds) / (sample.at - before.at);
  });
  const span = samples.length > 1 ? samples.at(-1)!.at - samples[0]!.at : 0;
  const used = samples.length > 1 ? samples.at(-1)!.cpuSeconds - samples[0]!.cpuSeconds : 0;
  return {
    samples: samples.length,
    rssMiB: {
      first: round(rss[0] ?? Number.NaN),
      max: round(rss.length > 0 ? Math.max(...rss) : Number.NaN),
      mean: round(rss.reduce((sum, value) => sum + value, 0) / rss.length),
      last: round(rss.at(-1) ?? Number.NaN),
    },
    cpuCores: {
      max: round(intervals.length > 0 ? Math.max(...intervals) : Number.NaN, 2),
      mean: round(span > 0 ? used / span : Number.NaN, 2),
    },
  };
}
