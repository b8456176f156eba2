import { describe, expect, it } from "vitest";
import { medianOf, selectKth, smallMedian, tailAwareScale } from "#domain/analysis/anomaly/robust-stats.js";
import { SortedWindow } from "#domain/analysis/anomaly/sorted-window.js";

const arr = (xs: number[]) => Float64Array.from(xs);

describe("robust statistics", () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[7, 7, 7, 1, 100], 7],
  ])("median of %j is %d", (xs, m) => {
    expect(medianOf(arr(xs), xs.length)).toBe(m);
    expect(smallMedian(arr(xs), xs.length)).toBe(m);
  });

  it("selects the k-th smallest", () => {
    const xs = [9, 2, 7, 4, 5, 1, 8, 3, 6];
    for (let k = 0; k < xs.length; k++) expect(selectKth(arr(xs), xs.length, k)).toBe(k + 1);
  });

  it("gives the Gaussian σ for symmetric data and more for fat tails", () => {
    // Prepare: evenly spaced Gaussian quantiles (σ = 1), then the same with 8 % wild values.
    const n = 200;
    const q = (p: number) => Math.sqrt(2) * inverseErf(2 * p - 1);
    const gauss = Array.from({ length: n }, (_, i) => q((i + 0.5) / n));
    const fat = gauss.map((x, i) => (i % 12 === 0 ? x * 6 : x));

    // Act + Assess
    expect(tailAwareScale(arr(gauss), n)).toBeCloseTo(1, 1);
    expect(tailAwareScale(arr(fat), n)).toBeGreaterThan(1.1);
  });

  it("keeps a sliding window sorted", () => {
    // Prepare
    const values = arr([5, Number.NaN, 1, 4, 2, 8, 3]);
    const w = new SortedWindow(4);

    // Act + Assess: window [0,3) = {5, 1}; then [2,6) = {1, 4, 2, 8}; then [3,7) = {4, 2, 8, 3}
    w.slide(values, 0, 3);
    expect([w.size, w.median(), w.meanIndex()]).toEqual([2, 3, 1]);
    w.slide(values, 2, 6);
    expect([w.size, w.median()]).toEqual([4, 3]);
    w.slide(values, 3, 7);
    expect([w.size, w.median(), w.meanIndex()]).toEqual([4, 3.5, 4.5]);
  });
});

/** Winitzki's approximation, accurate to ~1e-3 — enough to build test quantiles. */
function inverseErf(x: number): number {
  const a = 0.147;
  const ln = Math.log(1 - x * x);
  const t = 2 / (Math.PI * a) + ln / 2;
  return Math.sign(x) * Math.sqrt(Math.sqrt(t * t - ln / a) - t);
}
