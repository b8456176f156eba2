/** Minimal Nelder-Mead simplex minimiser (Nelder & Mead 1965; standard coefficients 1, 2, 0.5, 0.5). */
export function nelderMead(f: (p: number[]) => number, start: readonly number[], step = 0.1, iterations = 200): number[] {
  const dim = start.length;
  let simplex: { p: number[]; v: number }[] = [{ p: [...start], v: f([...start]) }];
  for (let i = 0; i < dim; i++) {
    const p = [...start];
    p[i] = (p[i] ?? 0) + step;
    simplex.push({ p, v: f(p) });
  }
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[dim]!;
    if (Math.abs(worst.v - best.v) <= 1e-10 * (Math.abs(best.v) + 1e-12)) break;
    const centroid = Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j] = (centroid[j] ?? 0) + (simplex[i]?.p[j] ?? 0) / dim;
    const along = (c: number) => centroid.map((x, j) => x + c * (x - (worst.p[j] ?? 0)));
    const reflected = along(1);
    const vr = f(reflected);
    if (vr < best.v) {
      const expanded = along(2);
      const ve = f(expanded);
      simplex[dim] = ve < vr ? { p: expanded, v: ve } : { p: reflected, v: vr };
    } else if (vr < (simplex[dim - 1]?.v ?? Number.POSITIVE_INFINITY)) {
      simplex[dim] = { p: reflected, v: vr };
    } else {
      const contracted = along(-0.5);
      const vc = f(contracted);
      if (vc < worst.v) simplex[dim] = { p: contracted, v: vc };
      else simplex = simplex.map((s, i) => (i === 0 ? s : { p: s.p.map((x, j) => (best.p[j] ?? 0) + 0.5 * (x - (best.p[j] ?? 0))), v: 0 })).map((s, i) => (i === 0 ? s : { p: s.p, v: f(s.p) }));
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return simplex[0]!.p;
}
