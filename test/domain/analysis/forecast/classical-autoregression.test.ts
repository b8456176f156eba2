import { describe, expect, it } from "vitest";
import { lagSet, linearAutoregression } from "#domain/analysis/forecast/classical/autoregression.js";
import { NormalEquations } from "#domain/analysis/forecast/classical/least-squares.js";
import { HOURLY_LAGS, hourlyMethod, weeklyMethod } from "#domain/analysis/forecast/classical/m4-candidates.js";

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** z_t = c + sum coef[l] * z_{t-l}, started from `start` random values, returned as exp(z). */
function simulateLogAr(coef: Record<number, number>, c: number, n: number, seed: number): number[] {
  const rnd = lcg(seed);
  const maxLag = Math.max(...Object.keys(coef).map(Number));
  const z: number[] = Array.from({ length: maxLag }, () => 2 + rnd());
  while (z.length < n) {
    let v = c;
    for (const [l, b] of Object.entries(coef)) v += b * (z[z.length - Number(l)] ?? 0);
    z.push(v);
  }
  return z.map(Math.exp);
}

describe("ridge least squares", () => {
  it("solves an exactly determined line and a noisy overdetermined one like ordinary least squares", () => {
    const ne = new NormalEquations(2);
    ne.add([1, 0], 3);
    ne.add([1, 1], 5);
    const [a, b] = ne.solve(0);
    expect(a).toBeCloseTo(3, 8);
    expect(b).toBeCloseTo(2, 8);

    // y = 1 + 2x + e with e = (+0.1, -0.1, -0.1, +0.1) at x = 0..3: OLS slope 2, intercept 1.
    const noisy = new NormalEquations(2);
    [0.1, -0.1, -0.1, 0.1].forEach((e, x) => {
      noisy.add([1, x], 1 + 2 * x + e);
    });
    const [c, d] = noisy.solve(0);
    expect(c).toBeCloseTo(1, 8);
    expect(d).toBeCloseTo(2, 8);
  });

  it("shrinks penalised coefficients but never the unpenalised intercept", () => {
    const ne = new NormalEquations(2);
    for (let x = -5; x <= 5; x++) ne.add([1, x], 10 + 3 * x);
    const [a0, b0] = ne.solve(0, 1);
    const [a1, b1] = ne.solve(1, 1);
    expect(b0).toBeCloseTo(3, 8);
    expect(Math.abs(b1 ?? 0)).toBeLessThan(3);
    expect(Math.abs(b1 ?? 0)).toBeGreaterThan(0);
    // x is centred, so the intercept stays the mean whatever the penalty.
    expect(a0).toBeCloseTo(10, 6);
    expect(a1).toBeCloseTo(10, 6);
  });
});

describe("linear autoregression", () => {
  it("recovers a noiseless seasonal log-AR process exactly and continues it", () => {
    const coef = { 1: 0.25, 2: -0.1, 24: 0.7 };
    const full = simulateLogAr(coef, 0.3, 400 + 48, 7);
    const fc = linearAutoregression({ lags: [1, 2, 24] })(full.slice(0, 400), 48);
    expect(fc).toHaveLength(48);
    fc.forEach((f, h) => {
      expect(f / (full[400 + h] ?? 1)).toBeCloseTo(1, 6);
    });
  });

  it("recovers the same process when the lag set holds extra, irrelevant lags", () => {
    const full = simulateLogAr({ 1: 0.25, 2: -0.1, 24: 0.7 }, 0.3, 500 + 48, 11);
    const fc = linearAutoregression({ lags: lagSet(24) })(full.slice(0, 500), 48);
    fc.forEach((f, h) => {
      expect(f / (full[500 + h] ?? 1)).toBeCloseTo(1, 4);
    });
  });

  it("continues a noiseless differenced process with drift (an ARIMA(1,1,0) on logs)", () => {
    const rnd = lcg(3);
    const diffs = [0.02, -0.03, 0.05];
    while (diffs.length < 160) diffs.push(0.005 + 0.6 * (diffs[diffs.length - 1] ?? 0) - 0.2 * (diffs[diffs.length - 2] ?? 0));
    let z = 3 + rnd();
    const x = diffs.map((dz) => {
      z += dz;
      return Math.exp(z);
    });
    const fc = linearAutoregression({ lags: [1, 2], difference: true })(x.slice(0, 150), 10);
    fc.forEach((f, h) => {
      expect(f / (x[150 + h] ?? 1)).toBeCloseTo(1, 6);
    });
  });

  it("forecasts a constant series as that constant", () => {
    const fc = linearAutoregression({ lags: lagSet(24, [168]) })(Array<number>(400).fill(42), 30);
    for (const f of fc) expect(f).toBeCloseTo(42, 8);
  });

  it("returns `horizon` finite values for any length, falling back to the naive forecast when too short", () => {
    const rnd = lcg(5);
    for (const n of [1, 2, 5, 30, 200]) {
      const x = Array.from({ length: n }, () => 1 + 100 * rnd());
      const fc = linearAutoregression({ lags: HOURLY_LAGS })(x, 17);
      expect(fc).toHaveLength(17);
      for (const f of fc) expect(Number.isFinite(f)).toBe(true);
      if (n <= 5) expect(fc).toEqual(Array<number>(17).fill(x[n - 1] ?? Number.NaN));
    }
  });

  it("never forecasts below zero for a non-negative history, zeros included", () => {
    const rnd = lcg(9);
    const x = Array.from({ length: 300 }, (_, t) => (t % 5 === 0 ? 0 : rnd() < 0.3 ? 0 : 50 * rnd()));
    for (const log of [true, false]) {
      const fc = linearAutoregression({ lags: lagSet(10), log })(x, 60);
      for (const f of fc) expect(f).toBeGreaterThanOrEqual(0);
    }
  });

  it("keeps an unstable fit inside the observed log range widened by its width", () => {
    // Noise around 100 with a short explosive tail: the fitted dynamics could run away.
    const rnd = lcg(13);
    const x = Array.from({ length: 120 }, (_, t) => (t < 110 ? 100 * (0.8 + 0.4 * rnd()) : 100 * 1.6 ** (t - 109)));
    const lo = Math.min(...x);
    const hi = Math.max(...x);
    const fc = linearAutoregression({ lags: [1, 2] })(x, 200);
    for (const f of fc) {
      expect(f).toBeGreaterThanOrEqual((lo * lo) / hi - 1e-6);
      expect(f).toBeLessThanOrEqual((hi * hi) / lo + 1e-6);
    }
  });
});

describe("M4 methods", () => {
  it("hourly: continues a noiseless daily-times-weekly pattern exactly", () => {
    // Two daily harmonics, weekends at 60%, one busy Monday morning hour: period 168 exactly.
    const pattern = (t: number) =>
      (100 + 60 * Math.sin((2 * Math.PI * t) / 24) + 10 * Math.cos((4 * Math.PI * t) / 24)) * (t % 168 < 120 ? 1 : 0.6) * (t % 168 === 9 ? 1.5 : 1);
    const x = Array.from({ length: 700 + 48 }, (_, t) => pattern(t));
    const fc = hourlyMethod(x.slice(0, 700), 48);
    expect(fc).toHaveLength(48);
    fc.forEach((f, h) => {
      expect(f / (x[700 + h] ?? 1)).toBeCloseTo(1, 4);
    });
  });

  it("weekly: 13 positive finite values that follow a steady exponential trend", () => {
    const x = Array.from({ length: 300 }, (_, t) => 1000 * 1.002 ** t);
    const fc = weeklyMethod(x, 13);
    expect(fc).toHaveLength(13);
    fc.forEach((f, h) => {
      expect(Number.isFinite(f)).toBe(true);
      // Every member tracks the trend; within 1% of the true continuation.
      expect(Math.abs(f / (1000 * 1.002 ** (300 + h)) - 1)).toBeLessThan(0.01);
    });
  });
});
