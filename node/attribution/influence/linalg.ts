// Small dense float64 linear algebra and L-BFGS, with every sum in a fixed order so results are
// bit-for-bit reproducible on one machine.

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * In-place Cholesky factorisation of a symmetric positive-definite n×n matrix (row-major, only
 * the lower triangle is read): afterwards the lower triangle holds L with A = L·Lᵀ.
 */
export function cholesky(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0)) throw new Error(`matrix is not positive definite (pivot ${j} = ${d})`);
    const l = Math.sqrt(d);
    a[rj + j] = l;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / l;
    }
  }
}

/** Solves L·Lᵀ·x = b in place (b becomes x), with L from `cholesky`. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * b[k]!;
    b[i] = s / l[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when the gradient's largest component is at most this. */
  tolerance: number;
  /** Number of (s, y) pairs kept. */
  memory: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  gradInfNorm: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises a smooth convex function with L-BFGS and a backtracking (Armijo) line search.
 * `fg(x, g)` returns f(x) and writes ∇f(x) into g. Deterministic: no randomness, fixed order.
 */
export function lbfgs(
  fg: (x: Float64Array, g: Float64Array) => number,
  x0: Float64Array,
  opts: LbfgsOptions,
): LbfgsResult {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  let iterations = 0;
  for (; iterations < opts.maxIterations; iterations++) {
    if (infNorm(g) <= opts.tolerance) break;
    // Two-loop recursion: d = -H·g.
    d.set(g);
    const alpha = new Array<number>(S.length);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dot(S[i]!, d);
      const y = Y[i]!;
      for (let k = 0; k < n; k++) d[k] = d[k]! - alpha[i]! * y[k]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let k = 0; k < n; k++) d[k] = d[k]! * gamma;
    }
    for (let i = 0; i < S.length; i++) {
      const beta = rho[i]! * dot(Y[i]!, d);
      const s = S[i]!;
      for (let k = 0; k < n; k++) d[k] = d[k]! + s[k]! * (alpha[i]! - beta);
    }
    for (let k = 0; k < n; k++) d[k] = -d[k]!;
    let gd = dot(g, d);
    if (!(gd < 0)) {
      // Not a descent direction: restart from steepest descent.
      for (let k = 0; k < n; k++) d[k] = -g[k]!;
      gd = -dot(g, g);
      S.length = Y.length = rho.length = 0;
    }
    let t = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-gd)) : 1;
    const xn = new Float64Array(n);
    const gn = new Float64Array(n);
    let fn = Number.NaN;
    let accepted = false;
    for (let ls = 0; ls < 50; ls++) {
      for (let k = 0; k < n; k++) xn[k] = x[k]! + t * d[k]!;
      fn = fg(xn, gn);
      // Armijo; or, once decreases are lost in f's rounding, a smaller gradient.
      const flat = fn <= f + 1e-13 * Math.abs(f) && infNorm(gn) < infNorm(g);
      if (fn <= f + 1e-4 * t * gd || flat) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break; // no further decrease representable: stop where we are
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      s[k] = xn[k]! - x[k]!;
      y[k] = gn[k]! - g[k]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-16 * dot(y, y)) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > opts.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    x = xn;
    g = gn;
    f = fn;
  }
  const gradInfNorm = infNorm(g);
  return { x, f, gradInfNorm, iterations, converged: gradInfNorm <= opts.tolerance };
}
