// Descriptive statistics and the one significance test the diagnosis uses.
// Medians and p90 are the headline figures: means hide the tail that hurts.

/** { median, p90, n } as the JSON contract names it; null values when n = 0. */
export interface Summary {
  median: number | null;
  p90: number | null;
  n: number;
}

/** Quantile q (0..1) of ascending-sorted values, linear interpolation between ranks (numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

export function sortNumbers(values: Iterable<number>): number[] {
  return Float64Array.from(values).sort() as unknown as number[];
}

export function median(values: Iterable<number>): number | null {
  return quantileSorted(Array.from(sortNumbers(values)), 0.5);
}

export function summarize(values: Iterable<number>): Summary {
  const sorted = Array.from(sortNumbers(values));
  return { median: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9), n: sorted.length };
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/** Sample standard deviation (n − 1). */
export function stddev(values: readonly number[]): number | null {
  if (values.length < 2) return values.length === 1 ? 0 : null;
  const m = mean(values)!;
  let total = 0;
  for (const v of values) total += (v - m) ** 2;
  return Math.sqrt(total / (values.length - 1));
}

/**
 * One-sided Mann–Whitney U test: the probability of seeing values of `a` this
 * much larger than those of `b` if both came from the same distribution.
 * Normal approximation with tie correction; fine from about 5 values each.
 */
export function mannWhitneyGreater(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Float64Array(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j += 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) ranks[k] = rank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  let r1 = 0;
  for (let k = 0; k < all.length; k += 1) if (all[k]!.g === 0) r1 += ranks[k]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (u1 - meanU - 0.5) / Math.sqrt(variance); // continuity correction
  return 1 - normalCdf(z);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, nine terms: relative error < 1e-13). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i += 1) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/**
 * Student's t CDF with `df` degrees of freedom (any df > 0, not only whole):
 * 1 − ½·I_{df/(df+t²)}(df/2, ½) for t ≥ 0. With df = ∞ it is the normal CDF.
 */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalCdf(t);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Ranks (1-based, ties averaged) of values, and the tie correction term Σ(t³ − t), for rank tests over subsets. */
export function rankAll(values: readonly number[]): { ranks: Float64Array; tieTerm: number } {
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j += 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) ranks[order[k]!] = rank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/**
 * mannWhitneyGreater for a subset `a` of a population ranked once with rankAll
 * (b = everyone else): O(|a|) instead of a sort per test.
 */
export function mannWhitneyGreaterRanked(
  rankSum: number,
  n1: number,
  total: number,
  tieTerm: number,
): number {
  const n2 = total - n1;
  if (n1 === 0 || n2 === 0) return 1;
  const u1 = rankSum - (n1 * (n1 + 1)) / 2;
  const meanU = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (variance <= 0) return 1;
  return 1 - normalCdf((u1 - meanU - 0.5) / Math.sqrt(variance));
}

/**
 * Puts the k-th smallest of values[from..] at k, smaller or equal values before it and larger or equal after
 * (Hoare's selection with a median-of-three pivot; a range that shrinks too slowly is sorted instead).
 */
export function selectRank(values: Float64Array, k: number, from = 0): void {
  let left = from;
  let right = values.length - 1;
  let rounds = 64;
  for (let span = right - left; span > 1; span >>= 1) rounds += 2;
  while (right > left) {
    if (rounds-- === 0) {
      values.subarray(left, right + 1).sort();
      return;
    }
    const mid = (left + right) >> 1;
    if (values[mid]! < values[left]!) swap(values, mid, left);
    if (values[right]! < values[left]!) swap(values, right, left);
    if (values[right]! < values[mid]!) swap(values, right, mid);
    const pivot = values[mid]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i += 1;
      while (values[j]! > pivot) j -= 1;
      if (i <= j) {
        swap(values, i, j);
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(values: Float64Array, i: number, j: number): void {
  const t = values[i]!;
  values[i] = values[j]!;
  values[j] = t;
}

/** The k-th smallest value (0-based) of `a`, reordering it in place. */
export function select(a: Float64Array, k: number): number {
  selectRank(a, k);
  return a[k]!;
}
