import { type DailyCostModel, fitDailyCostModel } from "./daily-cost-model.js";
import { quantile } from "./robust-stats.js";

/**
 * Prediction intervals calibrated on the model's own out-of-sample errors (rolling origin, as in
 * Hyndman & Athanasopoulos, FPP3 §5.10 "time series cross-validation"): the model is refitted at
 * earlier origins, its errors by horizon are normalised by the forecast, and their empirical
 * quantiles become the band. No distribution is assumed, so skewed cost noise, fee days and zero
 * days get the width they really had.
 */

export interface Bands {
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

const BUCKET = 7; // horizons pooled per error bucket
const BUCKETS = 5; // backtested horizon: 35 days
const ORIGINS = 10; // rolling origins
const ORIGIN_STEP = 7; // days between origins
const MIN_TRAIN = 42;
const LEVELS = [0.025, 0.1, 0.9, 0.975] as const;

/** Error normaliser: relative to the forecast, floored so near-zero days do not explode. */
function norm(forecast: number, scale: number): number {
  return Math.max(forecast, 0.1 * scale, 1e-9);
}

function rollingOriginErrors(values: readonly number[], startDay: number): number[][] {
  const n = values.length;
  const buckets: number[][] = Array.from({ length: BUCKETS }, () => []);
  const span = BUCKET * BUCKETS;
  for (let j = 0; j < ORIGINS; j++) {
    const origin = n - span - ORIGIN_STEP * j;
    if (origin < MIN_TRAIN) break;
    const model = fitDailyCostModel(values.slice(0, origin), startDay);
    const f = model.forecast(span);
    for (let h = 1; h <= span && origin + h - 1 < n; h++) {
      const fh = f[h - 1] ?? 0;
      const e = ((values[origin + h - 1] ?? 0) - fh) / norm(fh, model.scale);
      buckets[Math.floor((h - 1) / BUCKET)]?.push(e);
    }
  }
  return buckets;
}

function emptyBands(): Bands {
  return { lower80: [], upper80: [], lower95: [], upper95: [] };
}

/** Quantile of "zero with probability 1 - occurrence, else a recent non-zero size". */
function mixtureQuantile(model: DailyCostModel, p: number): number {
  const zero = 1 - model.occurrence;
  if (p <= zero || model.recent.length === 0) return 0;
  return quantile(model.recent, (p - zero) / Math.max(model.occurrence, 1e-9));
}

/** Intermittent series: the zero-or-size mixture is the band. */
function intermittentBands(model: DailyCostModel, means: readonly number[]): Bands {
  const [q025, q10, q90, q975] = LEVELS.map((p) => mixtureQuantile(model, p)) as [number, number, number, number];
  const bands = emptyBands();
  for (const _ of means) {
    bands.lower95.push(q025);
    bands.lower80.push(q10);
    bands.upper80.push(q90);
    bands.upper95.push(q975);
  }
  return bands;
}

/** Short histories: relative spread of the last weeks around their median, widened with sqrt(h). */
function fallbackQuantiles(values: readonly number[]): number[][] {
  const recent = values.slice(-28);
  const mid = quantile(recent, 0.5);
  const rel = recent.map((v) => (v - mid) / Math.max(mid, 1e-9));
  const qs = LEVELS.map((p) => quantile(rel, p));
  return Array.from({ length: BUCKETS }, (_, k) => qs.map((q) => q * Math.sqrt(k + 1)));
}

export function calibratedBands(
  values: readonly number[],
  startDay: number,
  model: DailyCostModel,
  means: readonly number[],
): Bands {
  if (model.intermittent) return orderBands(intermittentBands(model, means), means);
  const buckets = rollingOriginErrors(values, startDay);
  const usable = buckets.filter((b) => b.length >= 14);
  let table: number[][];
  if (usable.length === 0) {
    table = fallbackQuantiles(values);
  } else {
    // Plain empirical quantiles (FPP3 §5.10). The finite-sample split-conformal level
    // ceil((N+1)p)/N assumes N exchangeable scores, but the 7 horizons of one origin are strongly
    // correlated (about 10 independent origins per bucket), so at 97.5% it picked the largest
    // error and the 95% band covered 0.96–0.98 on every set.
    table = usable.map((b) => LEVELS.map((p) => quantile(b, p)));
    if (model.levelStepRel > 0) table = capByLevelWalk(table, model.levelStepRel);
    // Widths never shrink with the horizon.
    for (let k = 1; k < table.length; k++) {
      const prev = table[k - 1] ?? [];
      const cur = table[k] ?? [];
      table[k] = cur.map((q, i) => (i < 2 ? Math.min(q, prev[i] ?? q) : Math.max(q, prev[i] ?? q)));
    }
  }
  const last = table.length - 1;
  const bands = emptyBands();
  means.forEach((m, i) => {
    const h = i + 1;
    const k = Math.floor(i / BUCKET);
    // Beyond the backtested horizon the band keeps growing like a random-walk level, sqrt(h).
    const grow = k > last ? Math.sqrt(h / (BUCKET * (last + 1))) : 1;
    const row = table[Math.min(k, last)] ?? [0, 0, 0, 0];
    const s = norm(m, model.scale);
    bands.lower95.push(m + (row[0] ?? 0) * grow * s);
    bands.lower80.push(m + (row[1] ?? 0) * grow * s);
    bands.upper80.push(m + (row[2] ?? 0) * grow * s);
    bands.upper95.push(m + (row[3] ?? 0) * grow * s);
  });
  return orderBands(bands, means);
}

const Z = [-1.96, -1.2816, 1.2816, 1.96];

/**
 * Caps each horizon's quantiles at what the first week's errors plus a random-walk level would
 * give: sqrt(q1^2 + (z * sigma_step)^2 * weeks), with sigma_step the robust (median-based) spread
 * of the week-over-week level changes. One level shift in the backtest span otherwise dominates
 * every later horizon (the windows of overlapping origins all straddle it); the shift itself is
 * already in the level, and new shifts are the anomaly detector's business.
 */
function capByLevelWalk(table: number[][], stepRel: number): number[][] {
  const first = table[0] ?? [0, 0, 0, 0];
  return table.map((row, k) => {
    const weeks = (BUCKET * k + (BUCKET + 1) / 2) / 7;
    return row.map((q, i) => {
      const cap = Math.sqrt((first[i] ?? 0) ** 2 + ((Z[i] ?? 0) * stepRel) ** 2 * weeks);
      return i < 2 ? Math.max(q, -cap) : Math.min(q, cap);
    });
  });
}

/** Enforces 0 <= lower95 <= lower80 <= mean <= upper80 <= upper95 on every day. */
function orderBands(b: Bands, means: readonly number[]): Bands {
  const out = emptyBands();
  means.forEach((m, i) => {
    const l80 = Math.max(0, Math.min(b.lower80[i] ?? m, m));
    const u80 = Math.max(b.upper80[i] ?? m, m);
    out.lower80.push(l80);
    out.upper80.push(u80);
    out.lower95.push(Math.max(0, Math.min(b.lower95[i] ?? l80, l80)));
    out.upper95.push(Math.max(b.upper95[i] ?? u80, u80));
  });
  return out;
}
