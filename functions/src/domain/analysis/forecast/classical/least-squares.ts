/**
 * Ridge least squares through the normal equations: minimises |y - X b|^2 + lambda * sum_j>=skip b_j^2
 * by a Cholesky factorisation of X'X + lambda * I (Golub & Van Loan, "Matrix Computations", 4th ed.,
 * §4.2 and §6.1.4). Small dense problems only (tens of columns).
 */

/** Accumulates X'X and X'y row by row, so a design matrix never has to be materialised. */
export class NormalEquations {
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  rows = 0;

  constructor(readonly columns: number) {
    this.xtx = new Float64Array(columns * columns);
    this.xty = new Float64Array(columns);
  }

  /** Adds one observation: feature row `x` (length `columns`) and target `y`. */
  add(x: ArrayLike<number>, y: number, weight = 1): void {
    const p = this.columns;
    for (let i = 0; i < p; i++) {
      const xi = (x[i] ?? 0) * weight;
      if (xi === 0) continue;
      this.xty[i] = (this.xty[i] ?? 0) + xi * y;
      const row = i * p;
      for (let j = 0; j <= i; j++) this.xtx[row + j] = (this.xtx[row + j] ?? 0) + xi * (x[j] ?? 0);
    }
    this.rows++;
  }

  /**
   * The ridge solution. `lambda` is relative to the mean diagonal of X'X (so it does not depend on
   * the data's scale); the first `unpenalised` columns (e.g. an intercept) are not shrunk.
   *
   * @example
   *   const ne = new NormalEquations(2);
   *   ne.add([1, 0], 3); ne.add([1, 1], 5);
   *   ne.solve(0); // [3, 2]
   */
  solve(lambda: number, unpenalised = 0): number[] {
    const p = this.columns;
    const a = new Float64Array(p * p);
    let trace = 0;
    for (let i = 0; i < p; i++) trace += this.xtx[i * p + i] ?? 0;
    const ridge = (lambda * trace) / Math.max(1, p) + 1e-10 * (trace / Math.max(1, p) + 1e-12);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        const v = this.xtx[i * p + j] ?? 0;
        a[i * p + j] = v;
        a[j * p + i] = v;
      }
      a[i * p + i] = (a[i * p + i] ?? 0) + (i >= unpenalised ? ridge : 1e-10 * (trace / Math.max(1, p) + 1e-12));
    }
    return choleskySolve(a, Float64Array.from(this.xty), p);
  }
}

/** Solves A b = y for a symmetric positive definite A (row-major, p x p) in place. */
function choleskySolve(a: Float64Array, y: Float64Array, p: number): number[] {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j] ?? 0;
    for (let k = 0; k < j; k++) d -= (a[j * p + k] ?? 0) ** 2;
    // A tiny or negative pivot means a (numerically) singular system: treat that direction as absent.
    const l = d > 1e-300 ? Math.sqrt(d) : Number.POSITIVE_INFINITY;
    a[j * p + j] = l;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (a[i * p + k] ?? 0) * (a[j * p + k] ?? 0);
      a[i * p + j] = s / l;
    }
  }
  for (let i = 0; i < p; i++) {
    let s = y[i] ?? 0;
    for (let k = 0; k < i; k++) s -= (a[i * p + k] ?? 0) * (y[k] ?? 0);
    y[i] = s / (a[i * p + i] ?? 1);
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i] ?? 0;
    for (let k = i + 1; k < p; k++) s -= (a[k * p + i] ?? 0) * (y[k] ?? 0);
    y[i] = s / (a[i * p + i] ?? 1);
  }
  return Array.from(y);
}
