// Small-sample statistics for `compare`: means, 95% confidence intervals with Student's t, and
// Welch's two-sample t-test. Written out rather than imported: the t distribution is the only
// piece needed, and the well-kept packages that have it bring hundreds of dependencies.

/** Arithmetic mean. */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (n − 1 in the denominator); 0 for fewer than two values. */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  // Equal values have no variance; the rounding of their mean would invent some (1e-28).
  if (xs.every((x) => x === xs[0])) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: ~15 significant digits).
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// Continued fraction of the incomplete beta function (modified Lentz), as in Numerical Recipes.
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df may be fractional, as Welch's is). */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on the CDF). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (tCdf(lo, df) > p) lo *= 2;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A sample's mean with the half-width of its 95% confidence interval (null for n < 2). */
export interface Estimate {
  readonly n: number;
  readonly mean: number;
  /** t(0.975, n−1) · s / √n. */
  readonly half: number | null;
  readonly variance: number;
}

export function estimate(xs: readonly number[]): Estimate {
  const n = xs.length;
  const v = variance(xs);
  return {
    n,
    mean: mean(xs),
    half: n >= 2 ? tQuantile(0.975, n - 1) * Math.sqrt(v / n) : null,
    variance: v,
  };
}

/** Welch's unequal-variance two-sample t-test, two-sided. */
export interface WelchResult {
  readonly t: number;
  readonly df: number;
  readonly p: number;
}

/**
 * Welch's t-test of a against b; null when either side has fewer than two values. When both sides
 * have no variance at all (a deterministic metric), the test degenerates: p is 1 for equal means
 * and 0 for different ones.
 */
export function welch(a: Estimate, b: Estimate): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const sa = a.variance / a.n;
  const sb = b.variance / b.n;
  const se2 = sa + sb;
  if (se2 === 0) {
    const same = a.mean === b.mean;
    return {
      t: same ? 0 : Math.sign(a.mean - b.mean) * Number.POSITIVE_INFINITY,
      df: a.n + b.n - 2,
      p: same ? 1 : 0,
    };
  }
  const t = (a.mean - b.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((sa * sa) / (a.n - 1) + (sb * sb) / (b.n - 1));
  return { t, df, p: 2 * tCdf(-Math.abs(t), df) };
}
