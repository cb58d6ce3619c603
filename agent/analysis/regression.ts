// Least squares on a sparse design, with robust (sandwich) standard errors:
// the engine of the diagnosis's effect estimates. Rows hold a handful of
// non-zero columns (an intercept, a size, one repository, its modules and
// reviewers), packed in typed arrays (compressed rows), so X'X and the
// sandwich's meat are built in O(rows × non-zeros²) without an object per
// row, and only the p × p algebra is dense. Penalised columns get a small
// ridge (λ added to their diagonal): a module or reviewer nested in a
// repository is then measured as a deviation from that repository instead of
// being confounded with it.
//
// Changes by the same person are not independent (a person's own pace is
// shared by all their changes), so the meat sums the scores per cluster
// (person) before squaring them: cluster-robust standard errors (CR1 with
// HC3-inflated scores), which stay honest when every change of a slow person
// runs through the same module or reviewer. With few clusters behind an
// effect (a repository of three people) the cluster-robust variance is itself
// too small, so a contrast's variance is the larger of the two (the rule of
// Angrist & Pischke, Mostly Harmless Econometrics, 2009, §8.1: take the
// maximum of the robust standard errors when the robust one may be biased
// down in small samples).

/** Rows in compressed form: row i's columns are cols[start[i] .. start[i+1]), with their values. */
export interface SparseDesign {
  n: number;
  p: number;
  start: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** Builds a SparseDesign row by row without an object per row. */
export class DesignBuilder {
  private cols: Int32Array;
  private vals: Float64Array;
  private start: Int32Array;
  private nnz = 0;
  private rows = 0;

  constructor(rowsHint: number, nonZerosHint: number) {
    this.cols = new Int32Array(Math.max(16, nonZerosHint));
    this.vals = new Float64Array(Math.max(16, nonZerosHint));
    this.start = new Int32Array(rowsHint + 1);
  }

  /** Adds a non-zero to the current row. */
  add(col: number, val: number): void {
    if (this.nnz === this.cols.length) {
      const cols = new Int32Array(this.cols.length * 2);
      cols.set(this.cols);
      this.cols = cols;
      const vals = new Float64Array(this.vals.length * 2);
      vals.set(this.vals);
      this.vals = vals;
    }
    this.cols[this.nnz] = col;
    this.vals[this.nnz] = val;
    this.nnz += 1;
  }

  /** Closes the current row. */
  endRow(): void {
    this.rows += 1;
    if (this.rows + 1 > this.start.length) {
      const start = new Int32Array(this.start.length * 2);
      start.set(this.start);
      this.start = start;
    }
    this.start[this.rows] = this.nnz;
  }

  build(p: number): SparseDesign {
    return {
      n: this.rows,
      p,
      start: this.start.subarray(0, this.rows + 1),
      cols: this.cols.subarray(0, this.nnz),
      vals: this.vals.subarray(0, this.nnz),
    };
  }
}

/** Cluster of each row (0 .. count − 1): rows of one cluster may be correlated. */
export interface Clusters {
  of: Int32Array;
  count: number;
}

export interface OlsFit {
  /** Coefficients (0 for columns dropped as collinear). */
  beta: Float64Array;
  /** (X'WX+Λ)⁻¹ and the sandwich's meat, p × p row-major; the robust covariance is inverse·meat·inverse (see combinationVariance). Empty unless asked for. */
  inverse: Float64Array;
  /** Meat with every row its own cluster (HC3). */
  meat: Float64Array;
  /** Meat summed per cluster (CR1); empty without clusters. */
  clusterMeat: Float64Array;
  /** Columns left out because they were (nearly) a combination of the others. */
  dropped: boolean[];
  n: number;
  p: number;
  residuals: Float64Array;
  /** Clusters the meat was summed over (n when every row is its own). */
  clusters: number;
}

/**
 * Fits y ≈ Xβ. `ridge[j]` > 0 adds that penalty to column j's diagonal.
 * Covariance: (X'WX+Λ)⁻¹ M (X'WX+Λ)⁻¹ with M = Σ_g s_g s_g', s_g the sum over
 * cluster g of the scores wᵢeᵢ/(1 − hᵢ) · xᵢ (hᵢ the leverage), times
 * G/(G − 1) (`clusterMeat`), and the same with every row its own (HC3, `meat`).
 */
export function fitOls(
  x: SparseDesign,
  y: ArrayLike<number>,
  ridge?: ArrayLike<number>,
  weights?: ArrayLike<number>,
  withCovariance = true,
  clusters?: Clusters,
): OlsFit {
  const { n, p, start, cols, vals } = x;
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i += 1) {
    const yi = y[i]!;
    const wi = weights ? weights[i]! : 1;
    const end = start[i + 1]!;
    for (let a = start[i]!; a < end; a += 1) {
      const ca = cols[a]!;
      const va = vals[a]! * wi;
      xty[ca]! += va * yi;
      const row = ca * p;
      for (let b = start[i]!; b < end; b += 1) xtx[row + cols[b]!]! += va * vals[b]!;
    }
  }
  if (ridge) for (let j = 0; j < p; j += 1) xtx[j * p + j]! += ridge[j] ?? 0;
  const chol = cholesky(xtx, p);
  const beta = solve(chol, xty, p);
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let fitted = 0;
    const end = start[i + 1]!;
    for (let a = start[i]!; a < end; a += 1) fitted += beta[cols[a]!]! * vals[a]!;
    residuals[i] = y[i]! - fitted;
  }
  const groups = clusters ? clusters.count : n;
  if (!withCovariance) {
    return {
      beta,
      inverse: new Float64Array(0),
      meat: new Float64Array(0),
      clusterMeat: new Float64Array(0),
      dropped: chol.dropped,
      n,
      p,
      residuals,
      clusters: groups,
    };
  }
  const inverse = inverseFromCholesky(chol, p);
  const meat = new Float64Array(p * p);
  // per cluster: its score vector (dense, p) and the columns it touches
  const scores = clusters ? new Float64Array(clusters.count * p) : null;
  const touched: number[][] = clusters ? Array.from({ length: clusters.count }, () => []) : [];
  for (let i = 0; i < n; i += 1) {
    const wi = weights ? weights[i]! : 1;
    const end = start[i + 1]!;
    // leverage hᵢ = wᵢ xᵢ'(X'WX+Λ)⁻¹xᵢ; each score is inflated by 1/(1 − hᵢ)
    let h = 0;
    for (let a = start[i]!; a < end; a += 1) {
      const row = cols[a]! * p;
      const va = vals[a]!;
      for (let b = start[i]!; b < end; b += 1) h += va * vals[b]! * inverse[row + cols[b]!]!;
    }
    h = Math.min(0.99, h * wi);
    const psi = (wi * residuals[i]!) / (1 - h);
    if (scores && clusters) {
      const g = clusters.of[i]!;
      const base = g * p;
      const list = touched[g]!;
      for (let a = start[i]!; a < end; a += 1) {
        const c = cols[a]!;
        if (scores[base + c] === 0 && !list.includes(c)) list.push(c);
        scores[base + c]! += psi * vals[a]!;
      }
    }
    const e2 = psi * psi;
    for (let a = start[i]!; a < end; a += 1) {
      const row = cols[a]! * p;
      const va = vals[a]! * e2;
      for (let b = start[i]!; b < end; b += 1) meat[row + cols[b]!]! += va * vals[b]!;
    }
  }
  const clusterMeat = scores && clusters ? new Float64Array(p * p) : new Float64Array(0);
  if (scores && clusters) {
    const factor = clusters.count > 1 ? clusters.count / (clusters.count - 1) : 1;
    for (let g = 0; g < clusters.count; g += 1) {
      const base = g * p;
      const list = touched[g]!;
      for (const a of list) {
        const sa = scores[base + a]! * factor;
        const row = a * p;
        for (const b of list) clusterMeat[row + b]! += sa * scores[base + b]!;
      }
    }
  }
  return { beta, inverse, meat, clusterMeat, dropped: chol.dropped, n, p, residuals, clusters: groups };
}

/**
 * Huber M-estimate by iteratively reweighted least squares: residuals beyond
 * 1.345 robust standard deviations (1.4826 × MAD) get weight k·s/|e|, so a
 * few changes left stale for a week cannot drag an effect. The covariance is
 * the M-estimator's sandwich, with the scores ψ(eᵢ) summed per cluster when
 * clusters are given (see fitOls).
 */
export function fitHuber(
  x: SparseDesign,
  y: ArrayLike<number>,
  ridge?: ArrayLike<number>,
  iterations = 5,
  clusters?: Clusters,
): OlsFit & { scale: number } {
  let fit = fitOls(x, y, ridge, undefined, iterations === 0, clusters);
  let scale = 0;
  const weights = new Float64Array(x.n).fill(1);
  const abs = new Float64Array(x.n);
  for (let it = 0; it < iterations; it += 1) {
    for (let i = 0; i < x.n; i += 1) abs[i] = Math.abs(fit.residuals[i]!);
    abs.sort();
    const mad = abs.length ? abs[Math.floor(abs.length / 2)]! : 0;
    scale = 1.4826 * mad;
    if (!(scale > 0)) break;
    const k = 1.345 * scale;
    for (let i = 0; i < x.n; i += 1) {
      const e = Math.abs(fit.residuals[i]!);
      weights[i] = e <= k ? 1 : k / e;
    }
    fit = fitOls(x, y, ridge, weights, it === iterations - 1, clusters);
  }
  if (fit.inverse.length === 0) fit = fitOls(x, y, ridge, weights, true, clusters);
  return { ...fit, scale };
}

/**
 * c'Vc, the robust variance of a linear combination of the coefficients:
 * u = A⁻¹c, then u'·meat·u, the larger of the per-row and per-cluster meats.
 */
export function combinationVariance(fit: OlsFit, c: ReadonlyMap<number, number>): number {
  const { p, inverse } = fit;
  const u = new Float64Array(p);
  for (const [j, cj] of c) for (let i = 0; i < p; i += 1) u[i]! += inverse[i * p + j]! * cj;
  const quadratic = (meat: Float64Array) => {
    if (meat.length === 0) return 0;
    let v = 0;
    for (let i = 0; i < p; i += 1) {
      const ui = u[i]!;
      if (ui === 0) continue;
      let row = 0;
      for (let j = 0; j < p; j += 1) row += meat[i * p + j]! * u[j]!;
      v += ui * row;
    }
    return v;
  };
  return Math.max(0, quadratic(fit.meat), quadratic(fit.clusterMeat));
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
