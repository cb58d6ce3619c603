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

import { select } from './stats.js';

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
  /** Where the meat is non-zero, row by row (it is block-sparse: columns that share changes). */
  meatPattern: { start: Int32Array; cols: Int32Array };
  /** The per-cluster meat (CR1) as its factors: one row per cluster, its summed score s_g (× √(G/(G − 1))); null without clusters. */
  clusterScores: SparseDesign | null;
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
 * G/(G − 1) (`clusterScores`, in factor form), and the same with every row its own (HC3, `meat`).
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
  addGram(x, weights ?? null, xtx);
  for (let i = 0; i < n; i += 1) {
    const wy = (weights ? weights[i]! : 1) * y[i]!;
    for (let a = start[i]!; a < start[i + 1]!; a += 1) xty[cols[a]!]! += vals[a]! * wy;
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
      meatPattern: { start: new Int32Array(p + 1), cols: new Int32Array(0) },
      clusterScores: null,
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
  const squares = new Float64Array(n);
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
    squares[i] = psi * psi;
  }
  addGram(x, squares, meat);
  // the per-cluster meat in factor form, Σ_g s_g s_g' × G/(G − 1): each cluster's score, sparse
  const clusterStart = new Int32Array(groups + 1);
  const clusterCols: number[] = [];
  const clusterVals: number[] = [];
  if (scores && clusters) {
    const factor = Math.sqrt(clusters.count > 1 ? clusters.count / (clusters.count - 1) : 1);
    for (let g = 0; g < clusters.count; g += 1) {
      for (const c of touched[g]!) {
        clusterCols.push(c);
        clusterVals.push(scores[g * p + c]! * factor);
      }
      clusterStart[g + 1] = clusterCols.length;
    }
  }
  const clusterScores: SparseDesign | null =
    scores && clusters
      ? {
          n: groups,
          p,
          start: clusterStart,
          cols: Int32Array.from(clusterCols),
          vals: Float64Array.from(clusterVals),
        }
      : null;
  return {
    beta,
    inverse,
    meat,
    meatPattern: nonZeros(meat, p),
    clusterScores,
    dropped: chol.dropped,
    n,
    p,
    residuals,
    clusters: groups,
  };
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
  withCovariance = true,
): OlsFit & { scale: number; weights: Float64Array } {
  let fit = fitOls(x, y, ridge, undefined, withCovariance && iterations === 0, clusters);
  let scale = 0;
  const weights = new Float64Array(x.n).fill(1);
  const abs = new Float64Array(x.n);
  for (let it = 0; it < iterations; it += 1) {
    for (let i = 0; i < x.n; i += 1) abs[i] = Math.abs(fit.residuals[i]!);
    const mad = abs.length ? select(abs, Math.floor(abs.length / 2)) : 0;
    scale = 1.4826 * mad;
    if (!(scale > 0)) break;
    const k = 1.345 * scale;
    for (let i = 0; i < x.n; i += 1) {
      const e = Math.abs(fit.residuals[i]!);
      weights[i] = e <= k ? 1 : k / e;
    }
    fit = fitOls(x, y, ridge, weights, withCovariance && it === iterations - 1, clusters);
  }
  if (withCovariance && fit.inverse.length === 0) fit = fitOls(x, y, ridge, weights, true, clusters);
  return { ...fit, scale, weights };
}

/**
 * c'Vc, the robust variance of a linear combination of the coefficients:
 * u = A⁻¹c, then u'·meat·u, the larger of the per-row and per-cluster meats.
 */
export function combinationVariance(fit: OlsFit, c: ReadonlyMap<number, number>): number {
  const { p, inverse, meat, meatPattern, clusterScores } = fit;
  const u = new Float64Array(p);
  // A⁻¹ is symmetric: its row j is its column j
  for (const [j, cj] of c) {
    const row = j * p;
    for (let i = 0; i < p; i += 1) u[i]! += inverse[row + i]! * cj;
  }
  let perRow = 0;
  const { start, cols } = meatPattern;
  for (let i = 0; i < p; i += 1) {
    const ui = u[i]!;
    if (ui === 0) continue;
    let row = 0;
    const base = i * p;
    for (let a = start[i]!; a < start[i + 1]!; a += 1) row += meat[base + cols[a]!]! * u[cols[a]!]!;
    perRow += ui * row;
  }
  let perCluster = 0;
  if (clusterScores) {
    const { start: cs, cols: cc, vals: cv, n } = clusterScores;
    for (let g = 0; g < n; g += 1) {
      let dot = 0;
      for (let a = cs[g]!; a < cs[g + 1]!; a += 1) dot += cv[a]! * u[cc[a]!]!;
      perCluster += dot * dot;
    }
  }
  return Math.max(0, perRow, perCluster);
}

/** The non-zero columns of each row of a dense p × p matrix. */
function nonZeros(m: Float64Array, p: number): { start: Int32Array; cols: Int32Array } {
  const start = new Int32Array(p + 1);
  const list: number[] = [];
  for (let i = 0; i < p; i += 1) {
    const base = i * p;
    for (let j = 0; j < p; j += 1) if (m[base + j] !== 0) list.push(j);
    start[i + 1] = list.length;
  }
  return { start, cols: Int32Array.from(list) };
}

/**
 * target += Σ wᵢ xᵢxᵢ'. Consecutive rows with the same columns (a repository's
 * changes, a person's) are summed in a small dense block first, then added
 * to the p × p target once: far fewer scattered writes.
 */
function addGram(x: SparseDesign, w: ArrayLike<number> | null, target: Float64Array): void {
  const { n, p, start, cols, vals } = x;
  let widest = 0;
  for (let i = 0; i < n; i += 1) widest = Math.max(widest, start[i + 1]! - start[i]!);
  const block = new Float64Array(widest * widest);
  let run = -1;
  let k = 0;
  const flush = () => {
    if (run < 0) return;
    const base = start[run]!;
    for (let a = 0; a < k; a += 1) {
      const row = cols[base + a]! * p;
      for (let b = a; b < k; b += 1) {
        const v = block[a * k + b]!;
        if (v === 0) continue;
        target[row + cols[base + b]!]! += v;
        if (b !== a) target[cols[base + b]! * p + cols[base + a]!]! += v;
      }
    }
    block.fill(0, 0, k * k);
  };
  for (let i = 0; i < n; i += 1) {
    const from = start[i]!;
    const len = start[i + 1]! - from;
    let same = run >= 0 && len === k;
    if (same) {
      const base = start[run]!;
      for (let a = 0; a < k && same; a += 1) same = cols[base + a] === cols[from + a];
    }
    if (!same) {
      flush();
      run = i;
      k = len;
    }
    const wi = w ? w[i]! : 1;
    if (wi === 0) continue;
    for (let a = 0; a < k; a += 1) {
      const va = vals[from + a]! * wi;
      if (va === 0) continue;
      const r = a * k;
      for (let b = a; b < k; b += 1) block[r + b]! += va * vals[from + b]!;
    }
  }
  flush();
}

interface Cholesky {
  l: Float64Array;
  dropped: boolean[];
  /** Per row, its first non-zero column: L keeps A's envelope, so work stays inside it. */
  first: Int32Array;
}

/**
 * Cholesky factor of a symmetric positive semi-definite matrix; a column
 * whose pivot vanishes (relative to its diagonal) is dropped (coefficient 0).
 * Only the envelope (from each row's first non-zero) is visited: with the
 * dense columns (intercept, size, repositories) last, a large organisation's
 * modules and reviewers form blocks and the work is far below p³.
 */
export function cholesky(a: Float64Array, p: number): Cholesky {
  const l = new Float64Array(p * p);
  const dropped: boolean[] = new Array(p).fill(false);
  const first = new Int32Array(p);
  for (let i = 0; i < p; i += 1) {
    let f = i;
    for (let j = 0; j < i; j += 1)
      if (a[i * p + j] !== 0) {
        f = j;
        break;
      }
    first[i] = f;
  }
  for (let j = 0; j < p; j += 1) {
    const diag = a[j * p + j]!;
    let d = diag;
    const rowJ = j * p;
    for (let k = first[j]!; k < j; k += 1) d -= l[rowJ + k]! ** 2;
    if (!(diag > 0) || d <= 1e-9 * diag) {
      dropped[j] = true;
      continue;
    }
    const ljj = Math.sqrt(d);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < p; i += 1) {
      if (first[i]! > j) continue;
      const rowI = i * p;
      let s = a[rowI + j]!;
      for (let k = Math.max(first[i]!, first[j]!); k < j; k += 1) s -= l[rowI + k]! * l[rowJ + k]!;
      l[rowI + j] = s / ljj;
    }
  }
  return { l, dropped, first };
}

/** Solves (LLᵀ)x = b in place of a copy, dropped columns left at 0; z from `from` on (earlier entries of b are 0). */
function solveInto({ l, dropped, first }: Cholesky, b: Float64Array, p: number, from = 0): Float64Array {
  const z = new Float64Array(p);
  for (let i = from; i < p; i += 1) {
    if (dropped[i]) continue;
    let s = b[i]!;
    const row = i * p;
    for (let k = Math.max(first[i]!, from); k < i; k += 1) s -= l[row + k]! * z[k]!;
    z[i] = s / l[row + i]!;
  }
  // Lᵀx = z, row by row of L (contiguous): x_i settles, then leaves its share in the rows above
  for (let i = p - 1; i >= 0; i -= 1) {
    if (dropped[i]) {
      z[i] = 0;
      continue;
    }
    const row = i * p;
    const xi = z[i]! / l[row + i]!;
    z[i] = xi;
    for (let k = first[i]!; k < i; k += 1) z[k]! -= l[row + k]! * xi;
  }
  return z;
}

function solve(chol: Cholesky, b: Float64Array, p: number): Float64Array {
  return solveInto(chol, b, p);
}

/** A⁻¹ column by column from the factor (each solve stays in the envelope); dropped rows and columns are 0. */
function inverseFromCholesky(chol: Cholesky, p: number): Float64Array {
  const inverse = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j += 1) {
    if (chol.dropped[j]) continue;
    e[j] = 1;
    const x = solveInto(chol, e, p, j);
    e[j] = 0;
    for (let i = 0; i < p; i += 1) inverse[i * p + j] = chol.dropped[i] ? 0 : x[i]!;
  }
  return inverse;
}

/** Inverse of a symmetric positive semi-definite matrix (dropped columns: 0 rows and columns). */
export function invertSpd(a: Float64Array, p: number): { inverse: Float64Array; dropped: boolean[] } {
  const chol = cholesky(a, p);
  return { inverse: inverseFromCholesky(chol, p), dropped: chol.dropped };
}
