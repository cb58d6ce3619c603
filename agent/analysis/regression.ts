// Least squares on sparse rows, with heteroskedasticity-robust (sandwich,
// HC3) standard errors: the engine of the diagnosis's effect estimates.
// Rows hold a handful of non-zero columns (an intercept, a size, one
// repository, a few modules, one reviewer), so X'X and the sandwich's meat
// are built in O(rows × non-zeros²) and only the p × p algebra is dense.
// Penalised columns get a small ridge (λ added to their diagonal): a module
// or reviewer nested in a repository is then measured as a deviation from
// that repository instead of being confounded with it.

/** One observation: the indices of its non-zero columns and their values. */
export interface SparseRow {
  cols: readonly number[];
  vals: readonly number[];
}

export interface OlsFit {
  /** Coefficients (0 for columns dropped as collinear). */
  beta: Float64Array;
  /** Robust covariance, p × p row-major (0 rows and columns for dropped columns). */
  cov: Float64Array;
  /** Columns left out because they were (nearly) a combination of the others. */
  dropped: boolean[];
  n: number;
  p: number;
  residuals: Float64Array;
}

/**
 * Fits y ≈ Xβ. `ridge[j]` > 0 adds that penalty to column j's diagonal.
 * Covariance (HC3): (X'X+Λ)⁻¹ (Σ (eᵢ / (1 − hᵢ))² xᵢxᵢ') (X'X+Λ)⁻¹, hᵢ the leverage.
 */
export function fitOls(
  rows: readonly SparseRow[],
  y: ArrayLike<number>,
  p: number,
  ridge?: ArrayLike<number>,
  weights?: ArrayLike<number>,
): OlsFit {
  const n = rows.length;
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i += 1) {
    const { cols, vals } = rows[i]!;
    const yi = y[i]!;
    const wi = weights ? weights[i]! : 1;
    for (let a = 0; a < cols.length; a += 1) {
      const ca = cols[a]!;
      const va = vals[a]! * wi;
      xty[ca]! += va * yi;
      for (let b = 0; b < cols.length; b += 1) xtx[ca * p + cols[b]!]! += va * vals[b]!;
    }
  }
  if (ridge) for (let j = 0; j < p; j += 1) xtx[j * p + j]! += ridge[j] ?? 0;
  const inv = invertSpd(xtx, p);
  const beta = new Float64Array(p);
  for (let j = 0; j < p; j += 1) {
    let s = 0;
    for (let k = 0; k < p; k += 1) s += inv.inverse[j * p + k]! * xty[k]!;
    beta[j] = s;
  }
  const residuals = new Float64Array(n);
  const meat = new Float64Array(p * p);
  for (let i = 0; i < n; i += 1) {
    const { cols, vals } = rows[i]!;
    const wi = weights ? weights[i]! : 1;
    let fitted = 0;
    for (let a = 0; a < cols.length; a += 1) fitted += beta[cols[a]!]! * vals[a]!;
    const e = y[i]! - fitted;
    residuals[i] = e;
    // leverage hᵢ = wᵢ xᵢ'(X'WX+Λ)⁻¹xᵢ; HC3 inflates each residual by 1/(1 − hᵢ)
    let h = 0;
    for (let a = 0; a < cols.length; a += 1) {
      const ca = cols[a]!;
      for (let b = 0; b < cols.length; b += 1) h += vals[a]! * vals[b]! * inv.inverse[ca * p + cols[b]!]!;
    }
    h = Math.min(0.99, h * wi);
    const psi = (wi * e) / (1 - h);
    const e2 = psi * psi;
    for (let a = 0; a < cols.length; a += 1) {
      const ca = cols[a]!;
      const va = vals[a]! * e2;
      for (let b = 0; b < cols.length; b += 1) meat[ca * p + cols[b]!]! += va * vals[b]!;
    }
  }
  const cov = multiply(multiply(inv.inverse, meat, p), inv.inverse, p);
  return { beta, cov, dropped: inv.dropped, n, p, residuals };
}

/**
 * Huber M-estimate by iteratively reweighted least squares: residuals beyond
 * 1.345 robust standard deviations (1.4826 × MAD) get weight k·s/|e|, so a
 * few changes left stale for a week cannot drag an effect. The covariance is
 * the M-estimator's sandwich, (X'WX+Λ)⁻¹ (Σ (ψ(eᵢ) / (1 − hᵢ))² xᵢxᵢ') (X'WX+Λ)⁻¹.
 */
export function fitHuber(
  rows: readonly SparseRow[],
  y: ArrayLike<number>,
  p: number,
  ridge?: ArrayLike<number>,
  iterations = 8,
): OlsFit & { scale: number } {
  let fit = fitOls(rows, y, p, ridge);
  let scale = 0;
  const weights = new Float64Array(rows.length).fill(1);
  for (let it = 0; it < iterations; it += 1) {
    const abs = Float64Array.from(fit.residuals, Math.abs).sort();
    const mad = abs.length ? abs[Math.floor(abs.length / 2)]! : 0;
    scale = 1.4826 * mad;
    if (!(scale > 0)) break;
    const k = 1.345 * scale;
    for (let i = 0; i < rows.length; i += 1) {
      const e = Math.abs(fit.residuals[i]!);
      weights[i] = e <= k ? 1 : k / e;
    }
    fit = fitOls(rows, y, p, ridge, weights);
  }
  return { ...fit, scale };
}

/** c'Vc: the variance of a linear combination of the coefficients. */
export function combinationVariance(cov: Float64Array, p: number, c: ReadonlyMap<number, number>): number {
  let v = 0;
  for (const [i, ci] of c) for (const [j, cj] of c) v += ci * cj * cov[i * p + j]!;
  return Math.max(0, v);
}

function multiply(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i += 1) {
    for (let k = 0; k < p; k += 1) {
      const aik = a[i * p + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < p; j += 1) out[i * p + j]! += aik * b[k * p + j]!;
    }
  }
  return out;
}

/**
 * Inverse of a symmetric positive semi-definite matrix by Cholesky; a column
 * whose pivot vanishes (relative to its diagonal) is dropped: its row and
 * column of the inverse are 0.
 */
export function invertSpd(a: Float64Array, p: number): { inverse: Float64Array; dropped: boolean[] } {
  const l = new Float64Array(p * p);
  const dropped: boolean[] = new Array(p).fill(false);
  for (let j = 0; j < p; j += 1) {
    const diag = a[j * p + j]!;
    let d = diag;
    for (let k = 0; k < j; k += 1) d -= l[j * p + k]! ** 2;
    if (!(diag > 0) || d <= 1e-9 * diag) {
      dropped[j] = true;
      continue;
    }
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i += 1) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k += 1) s -= l[i * p + k]! * l[j * p + k]!;
      l[i * p + j] = s / ljj;
    }
  }
  // inverse of L (lower triangular), dropped columns skipped
  const li = new Float64Array(p * p);
  for (let j = 0; j < p; j += 1) {
    if (dropped[j]) continue;
    li[j * p + j] = 1 / l[j * p + j]!;
    for (let i = j + 1; i < p; i += 1) {
      if (dropped[i]) continue;
      let s = 0;
      for (let k = j; k < i; k += 1) if (!dropped[k]) s -= l[i * p + k]! * li[k * p + j]!;
      li[i * p + j] = s / l[i * p + i]!;
    }
  }
  // A⁻¹ = L⁻ᵀ L⁻¹
  const inverse = new Float64Array(p * p);
  for (let i = 0; i < p; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = 0;
      for (let k = i; k < p; k += 1) s += li[k * p + i]! * li[k * p + j]!;
      inverse[i * p + j] = s;
      inverse[j * p + i] = s;
    }
  }
  return { inverse, dropped };
}
