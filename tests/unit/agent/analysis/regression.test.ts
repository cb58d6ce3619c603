// Known answers for the regression engine: the per-person (cluster) and
// per-change sandwich variances worked out by hand on an intercept-only fit,
// Holm's step-down, and the selection used for medians.
import { describe, expect, it } from 'vitest';
import { holm } from '../../../../agent/analysis/effects.js';
import { combinationVariance, DesignBuilder, fitOls } from '../../../../agent/analysis/regression.js';
import { select } from '../../../../agent/analysis/stats.js';

function interceptOnly(n: number) {
  const b = new DesignBuilder(n, n);
  for (let i = 0; i < n; i += 1) {
    b.add(0, 1);
    b.endRow();
  }
  return b.build(1);
}

describe('regression', () => {
  it('sums the scores per cluster before squaring them, and takes the larger variance', () => {
    // y = 1, 2, 3, 6: β = 3, residuals −2, −1, 0, 3; leverage 1/4 each, so the
    // HC3 scores are e / (3/4) = −8/3, −4/3, 0, 4
    const y = [1, 2, 3, 6];
    const x = interceptOnly(4);
    const perChange = fitOls(x, y);
    expect(perChange.beta[0]).toBeCloseTo(3, 12);
    // per change: Σψ² / n² = (64/9 + 16/9 + 0 + 16) / 16 = 224/144
    expect(combinationVariance(perChange, new Map([[0, 1]]))).toBeCloseTo(224 / 144, 12);
    // two people, {1, 2} and {3, 6}: their score sums −4 and 4, × G/(G − 1) = 2 → 64 / 16 = 4
    const clustered = fitOls(x, y, undefined, undefined, true, {
      of: Int32Array.from([0, 0, 1, 1]),
      count: 2,
    });
    expect(combinationVariance(clustered, new Map([[0, 1]]))).toBeCloseTo(4, 12);
    // people {1, 6} and {2, 3}: sums 4/3 and −4/3 → 2 × 32/9 / 16 = 4/9, below the per-change 224/144: the larger counts
    const mixed = fitOls(x, y, undefined, undefined, true, { of: Int32Array.from([0, 1, 1, 0]), count: 2 });
    expect(combinationVariance(mixed, new Map([[0, 1]]))).toBeCloseTo(224 / 144, 12);
  });

  it("rejects by Holm's step-down: each p against α / (hypotheses left)", () => {
    // sorted 0.01 ≤ 0.05/4 = 0.0125 yes; 0.03 ≤ 0.05/3 ≈ 0.0167 no: stop
    expect(holm([0.01, 0.04, 0.03, 0.2], 0.05)).toEqual([true, false, false, false]);
    // 0.001 ≤ 0.0167, 0.012 ≤ 0.025, 0.02 ≤ 0.05: all (Bonferroni would keep only the first)
    expect(holm([0.001, 0.02, 0.012], 0.05)).toEqual([true, true, true]);
  });

  it('selects the k-th smallest value', () => {
    const values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 5];
    for (let k = 0; k < values.length; k += 1) {
      const sorted = [...values].sort((a, b) => a - b);
      expect(select(Float64Array.from(values), k)).toBe(sorted[k]);
    }
  });
});
