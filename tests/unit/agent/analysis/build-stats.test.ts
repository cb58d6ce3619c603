import { describe, expect, it } from 'vitest';
import { durationStats, madOutliers, quantile } from '../../../../agent/analysis/build-stats.js';

describe('build statistics', () => {
  it('computes mean, sample stddev, median, p90, min and max', () => {
    // sorted: 1 2 3 4 10 → mean 4; squared deviations 9 4 1 0 36 = 50; 50 / 4 = 12.5
    const stats = durationStats([4, 10, 1, 3, 2]);
    expect(stats.n).toBe(5);
    expect(stats.mean).toBe(4);
    expect(stats.stddev).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(stats.median).toBe(3);
    // position (5 − 1) · 0.9 = 3.6 → 4 + 0.6 · (10 − 4) = 7.6
    expect(stats.p90).toBeCloseTo(7.6, 12);
    expect(stats.min).toBe(1);
    expect(stats.max).toBe(10);
  });

  it('interpolates the median of an even count and the p90 of 1..10', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
  });

  it('returns nulls for no values and no stddev for one value', () => {
    expect(durationStats([])).toEqual({
      n: 0,
      mean: null,
      stddev: null,
      median: null,
      p90: null,
      min: null,
      max: null,
    });
    const one = durationStats([2.5]);
    expect(one).toEqual({ n: 1, mean: 2.5, stddev: null, median: 2.5, p90: 2.5, min: 2.5, max: 2.5 });
  });

  it('flags outliers by the median absolute deviation', () => {
    // median 10, deviations 0 .1 .1 0 20 → MAD 0.1; z(30) = 0.6745 · 20 / 0.1 = 134.9
    expect(madOutliers([10, 10.1, 9.9, 10, 30])).toEqual([4]);
    // z(9.9) = 0.6745 · 0.1 / 0.1 = 0.67: not an outlier
    expect(madOutliers([10, 10.1, 9.9, 10, 10])).toEqual([]);
    expect(madOutliers([1, 2, 3])).toEqual([]);
  });

  it('still finds a lone outlier when most runs are identical (MAD = 0)', () => {
    // mean absolute deviation 4 / 5 = 0.8; z(5) = 4 / (1.253314 · 0.8) = 3.99 > 3.5
    expect(madOutliers([1, 1, 1, 1, 5])).toEqual([4]);
    expect(madOutliers([2, 2, 2])).toEqual([]);
  });
});
