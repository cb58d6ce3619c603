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
  /** (X'WX+Λ)⁻¹ and the sandwich's meat, p × p row-major; the robust covariance is inverse·meat·inverse (see combinationVariance). Empty unless asked for. */
  inverse: Float64Array;
  meat: Float64Array;
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
  withCovariance = true,
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
  const chol = cholesky(xtx, p);
  const beta = solve(chol, xty, p);
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const { cols, vals } = rows[i]!;
    let fitted = 0;
    for (let a = 0; a < cols.length; a += 1) fitted += beta[cols[a]!]! * vals[a]!;
    residuals[i] = y[i]! - fitted;
  }
  if (!withCovariance) {
    return {
      beta,
      inverse: new Float64Array(0),
      meat: new Float64Array(0),
      dropped: chol.dropped,
      n,
      p,
      residuals,
    };
  }
  const inverse = inverseFromCholesky(chol, p);
  const meat = new Float64Array(p * p);
  for (let i = 0; i < n; i += 1) {
    const { cols, vals } = rows[i]!;
    const wi = weights ? weights[i]! : 1;
    // leverage hᵢ = wᵢ xᵢ'(X'WX+Λ)⁻¹xᵢ; HC3 inflates each residual by 1/(1 − hᵢ)
    let h = 0;
    for (let a = 0; a < cols.length; a += 1) {
      const ca = cols[a]!;
      for (let b = 0; b < cols.length; b += 1) h += vals[a]! * vals[b]! * inverse[ca * p + cols[b]!]!;
    }
    h = Math.min(0.99, h * wi);
    const psi = (wi * residuals[i]!) / (1 - h);
    const e2 = psi * psi;
    for (let a = 0; a < cols.length; a += 1) {
      const ca = cols[a]!;
      const va = vals[a]! * e2;
      for (let b = 0; b < cols.length; b += 1) meat[ca * p + cols[b]!]! += va * vals[b]!;
    }
  }
  return { beta, inverse, meat, dropped: chol.dropped, n, p, residuals };
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
  iterations = 5,
): OlsFit & { scale: number } {
  let fit = fitOls(rows, y, p, ridge, undefined, iterations === 0);
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
    fit = fitOls(rows, y, p, ridge, weights, it === iterations - 1);
  }
  if (fit.inverse.length === 0) fit = fitOls(rows, y, p, ridge, weights, true);
  return { ...fit, scale };
}

/** c'Vc, the robust variance of a linear combination of the coefficients: u = A⁻¹c, then u'·meat·u. */
export function combinationVariance(fit: OlsFit, c: ReadonlyMap<number, number>): number {
  const { p, inverse, meat } = fit;
  const u = new Float64Array(p);
  for (const [j, cj] of c) for (let i = 0; i < p; i += 1) u[i]! += inverse[i * p + j]! * cj;
  let v = 0;
  for (let i = 0; i < p; i += 1) {
    const ui = u[i]!;
    if (ui === 0) continue;
    let row = 0;
    for (let j = 0; j < p; j += 1) row += meat[i * p + j]! * u[j]!;
    v += ui * row;
  }
  return Math.max(0, v);
}

interface Cholesky {
  l: Float64Array;
  dropped: boolean[];
}

/**
 * Cholesky factor of a symmetric positive semi-definite matrix; a column
 * whose pivot vanishes (relative to its diagonal) is dropped (coefficient 0).
 */
export function cholesky(a: Float64Array, p: number): Cholesky {
  const l = new Float64Array(p * p);
  const dropped: boolean[] = new Array(p).fill(false);
  for (let j = 0; j < p; j += 1) {
    const diag = a[j * p + j]!;
    let d = diag;
    const rowJ = j * p;
    for (let k = 0; k < j; k += 1) d -= l[rowJ + k]! ** 2;
    if (!(diag > 0) || d <= 1e-9 * diag) {
      dropped[j] = true;
      continue;
    }
    const ljj = Math.sqrt(d);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < p; i += 1) {
      const rowI = i * p;
      let s = a[rowI + j]!;
      for (let k = 0; k < j; k += 1) s -= l[rowI + k]! * l[rowJ + k]!;
      l[rowI + j] = s / ljj;
    }
  }
  return { l, dropped };
}

/** Solves (LLᵀ)x = b, dropped columns left at 0. */
function solve({ l, dropped }: Cholesky, b: Float64Array, p: number): Float64Array {
  const z = new Float64Array(p);
  for (let i = 0; i < p; i += 1) {
    if (dropped[i]) continue;
    let s = b[i]!;
    for (let k = 0; k < i; k += 1) s -= l[i * p + k]! * z[k]!;
    z[i] = s / l[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i -= 1) {
    if (dropped[i]) continue;
    let s = z[i]!;
    for (let k = i + 1; k < p; k += 1) s -= l[k * p + i]! * x[k]!;
    x[i] = s / l[i * p + i]!;
  }
  return x;
}

/** A⁻¹ = L⁻ᵀL⁻¹ from the Cholesky factor; dropped rows and columns are 0. */
function inverseFromCholesky({ l, dropped }: Cholesky, p: number): Float64Array {
  const li = new Float64Array(p * p);
  for (let j = 0; j < p; j += 1) {
    if (dropped[j]) continue;
    li[j * p + j] = 1 / l[j * p + j]!;
    for (let i = j + 1; i < p; i += 1) {
      if (dropped[i]) continue;
      let s = 0;
      for (let k = j; k < i; k += 1) s -= l[i * p + k]! * li[k * p + j]!;
      li[i * p + j] = s / l[i * p + i]!;
    }
  }
  const inverse = new Float64Array(p * p);
  for (let i = 0; i < p; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = 0;
      for (let k = i; k < p; k += 1) s += li[k * p + i]! * li[k * p + j]!;
      inverse[i * p + j] = s;
      inverse[j * p + i] = s;
    }
  }
  return inverse;
}

/** Inverse of a symmetric positive semi-definite matrix (dropped columns: 0 rows and columns). */
export function invertSpd(a: Float64Array, p: number): { inverse: Float64Array; dropped: boolean[] } {
  const chol = cholesky(a, p);
  return { inverse: inverseFromCholesky(chol, p), dropped: chol.dropped };
}
