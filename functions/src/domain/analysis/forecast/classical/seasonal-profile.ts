import type { PointMethod } from "./benchmark-methods.js";

/**
 * Robust seasonal profile forecast: for each future step, the median of the last `cycles` values
 * at the same phase of a period `m`, rescaled by the ratio of the last period's mean to the mean of
 * the periods the medians come from (so a recent level change carries into the profile).
 */
export function seasonalProfile(m: number, cycles: number, levelAdjust = true, fullRatio = false): PointMethod {
  return (x, horizon) => {
    const n = x.length;
    const k = Math.max(1, Math.min(cycles, Math.floor(n / m)));
    let ratio = 1;
    if (levelAdjust && k > 1) {
      const last = x.slice(n - m).reduce((a, b) => a + b, 0) / m;
      const all = x.slice(n - k * m).reduce((a, b) => a + b, 0) / (k * m);
      ratio = all > 0 ? last / all : 1;
      ratio = Math.min(2, Math.max(0.5, ratio));
      if (!fullRatio) ratio = Math.sqrt(ratio); // half-way (in log terms) between the profile and the last period's level
    }
    return Array.from({ length: horizon }, (_, h) => {
      const vals: number[] = [];
      for (let c = 1; c <= k; c++) {
        const idx = n - c * m + (h % m);
        const v = x[idx];
        if (v !== undefined) vals.push(v);
      }
      vals.sort((a, b) => a - b);
      const mid = Math.floor(vals.length / 2);
      const med = vals.length % 2 ? (vals[mid] ?? 0) : ((vals[mid - 1] ?? 0) + (vals[mid] ?? 0)) / 2;
      return med * ratio;
    });
  };
}

/**
 * Seasonal indices times a smoothed level: the last `cycles` periods give multiplicative indices
 * (median, by phase, of value / that period's mean); SES on the deseasonalised series gives the
 * level. A robust cousin of Holt-Winters for long-period seasonality.
 */
export function indexedLevel(m: number, cycles: number, smoothLevel: (x: readonly number[], h: number) => number[]): PointMethod {
  return (x, horizon) => {
    const n = x.length;
    const k = Math.max(1, Math.min(cycles, Math.floor(n / m)));
    const ratios: number[][] = Array.from({ length: m }, () => []);
    for (let c = 0; c < k; c++) {
      const from = n - (c + 1) * m;
      const seg = x.slice(from, from + m);
      const avg = seg.reduce((a, b) => a + b, 0) / m;
      if (avg <= 0) continue;
      seg.forEach((v, i) => {
        ratios[(from + i) % m]?.push(v / avg);
      });
    }
    const idx = ratios.map((r) => {
      if (r.length === 0) return 1;
      const s = [...r].sort((a, b) => a - b);
      const mid = Math.floor(s.length / 2);
      return s.length % 2 ? (s[mid] ?? 1) : ((s[mid - 1] ?? 1) + (s[mid] ?? 1)) / 2;
    });
    const mean = idx.reduce((a, b) => a + b, 0) / m;
    const norm = idx.map((v) => (mean > 0 ? v / mean : 1));
    const tail = x.slice(Math.max(0, n - k * m));
    const start = n - tail.length;
    const adjusted = tail.map((v, i) => v / Math.max(norm[(start + i) % m] ?? 1, 1e-6));
    const level = smoothLevel(adjusted, horizon);
    return level.map((l, h) => l * (norm[(n + h) % m] ?? 1));
  };
}

/** Seasonal naive plus the average per-cycle change over the last `cycles` cycles (seasonal drift). */
export function seasonalDrift(m: number, cycles: number): PointMethod {
  return (x, horizon) => {
    const n = x.length;
    const k = Math.max(1, Math.min(cycles, Math.floor(n / m) - 1));
    const mean = (a: number, b: number) => x.slice(a, b).reduce((s, v) => s + v, 0) / Math.max(1, b - a);
    const drift = (mean(n - m, n) - mean(n - (k + 1) * m, n - k * m)) / k;
    return Array.from({ length: horizon }, (_, h) => (x[n - m + (h % m)] ?? 0) + drift * (Math.floor(h / m) + 1));
  };
}
