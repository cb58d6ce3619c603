// Statistics of repeated build timings, the way benchmark tools report them:
// mean ± sample standard deviation, median, p90, min, max, and outliers found
// with the median absolute deviation (robust to the outliers themselves).

import { quantileSorted } from './stats.js';
/** Summary of a list of durations in seconds; every field is null when there are none. */
export interface DurationStats {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null below two values. */
  stddev: number | null;
  median: number | null;
  p90: number | null;
  min: number | null;
  max: number | null;
}

/** The q-quantile of sorted values, linear interpolation (numpy's and R's type 7 default). */
export const quantile = quantileSorted;

/** mean, stddev, median, p90, min and max of the values (seconds). */
export function durationStats(values: readonly number[]): DurationStats {
  const n = values.length;
  if (n === 0) return { n, mean: null, stddev: null, median: null, p90: null, min: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n;
  const stddev = n < 2 ? null : Math.sqrt(sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  return {
    n,
    mean,
    stddev,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    min: sorted[0]!,
    max: sorted[n - 1]!,
  };
}

/** Modified z-score above which a run is flagged (Iglewicz and Hoaglin's threshold). */
export const OUTLIER_THRESHOLD = 3.5;

/**
 * Indexes of outlying values by the modified z-score
 * 0.6745 · (x − median) / MAD. When more than half the values are equal
 * (MAD = 0) the mean absolute deviation stands in (scaled by 1.2533), so a
 * single odd run among identical ones is still caught.
 */
export function madOutliers(values: readonly number[], threshold = OUTLIER_THRESHOLD): number[] {
  if (values.length < 3) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5)!;
  const deviations = values.map((v) => Math.abs(v - median));
  const mad = quantile(
    [...deviations].sort((a, b) => a - b),
    0.5,
  )!;
  let score: (v: number) => number;
  if (mad > 0) score = (v) => (0.6745 * (v - median)) / mad;
  else {
    const meanAbs = deviations.reduce((sum, d) => sum + d, 0) / values.length;
    if (meanAbs === 0) return [];
    score = (v) => (v - median) / (1.253314 * meanAbs);
  }
  const result: number[] = [];
  values.forEach((v, i) => {
    if (Math.abs(score(v)) > threshold) result.push(i);
  });
  return result;
}
