// M4 Weekly and Hourly benchmark with the official sMAPE, MASE and OWA (Naive2 computed here).
//   npx tsx bench/m4/run.ts [--data ../shared/data/m4-competition] [--validate]
// --validate scores on the last h points of each training series instead of the test set
// (used to choose methods without looking at the test set).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { mase, owa, smape } from "#domain/analysis/forecast/accuracy-metrics.js";
import {
  combine,
  damped,
  holt,
  naive2,
  nonNegative,
  type PointMethod,
  seasonallyAdjusted,
  seasonalNaive,
  ses,
  theta,
} from "#domain/analysis/forecast/classical/benchmark-methods.js";
import { hourlyMethod, weeklyMethod } from "#domain/analysis/forecast/classical/m4-candidates.js";
import { type M4Series, loadM4, publishedRows } from "./load-m4.js";

const { values: args } = parseArgs({
  options: { data: { type: "string" }, validate: { type: "boolean" }, methods: { type: "string" } },
});
const dataDir = resolve(args.data ?? "../shared/data/m4-competition");

const FREQS = {
  Weekly: { h: 13, m: 1, ours: weeklyMethod },
  Hourly: { h: 48, m: 24, ours: hourlyMethod },
} as const;

interface Score {
  sMAPE: number;
  MASE: number;
  OWA?: number;
  seconds: number;
  seriesPerSecond: number;
}

function score(series: readonly M4Series[], method: PointMethod, h: number, m: number): Score {
  let s = 0;
  let ms = 0;
  const t0 = performance.now();
  const forecasts = series.map((x) => method(x.train, h));
  const seconds = (performance.now() - t0) / 1000;
  series.forEach((x, i) => {
    const f = forecasts[i] ?? [];
    s += smape(x.test, f);
    ms += mase(x.train, x.test, f, m);
  });
  return { sMAPE: s / series.length, MASE: ms / series.length, seconds, seriesPerSecond: series.length / seconds };
}

const report: Record<string, unknown> = { data: dataDir, mode: args.validate ? "validate (train holdout)" : "test" };
let totalOursSeconds = 0;
let totalSeries = 0;
let totalSnaiveSeconds = 0;
for (const [freq, cfg] of Object.entries(FREQS)) {
  let series = loadM4(dataDir, freq as "Weekly" | "Hourly");
  if (args.validate) series = series.map((x) => ({ id: x.id, train: x.train.slice(0, -cfg.h), test: x.train.slice(-cfg.h) }));
  const methods: Record<string, PointMethod> = {
    Naive2: nonNegative(naive2(cfg.m)),
    sNaive: nonNegative(seasonalNaive(cfg.m)),
    SES: nonNegative(seasonallyAdjusted(ses, cfg.m)),
    Holt: nonNegative(seasonallyAdjusted(holt, cfg.m)),
    Damped: nonNegative(seasonallyAdjusted(damped, cfg.m)),
    Theta: nonNegative(seasonallyAdjusted(theta, cfg.m)),
    Comb: nonNegative(seasonallyAdjusted(combine([ses, holt, damped], "mean"), cfg.m)),
    ours: nonNegative(cfg.ours),
  };
  const wanted = args.methods ? new Set(["Naive2", "sNaive", "ours", ...args.methods.split(",")]) : null;
  const rows: Record<string, Score> = {};
  for (const [name, method] of Object.entries(methods)) {
    if (wanted && !wanted.has(name)) continue;
    rows[name] = score(series, method, cfg.h, cfg.m);
  }
  const base = rows.Naive2!;
  for (const r of Object.values(rows)) r.OWA = owa(r.sMAPE, r.MASE, base.sMAPE, base.MASE);
  totalOursSeconds += rows.ours!.seconds;
  totalSnaiveSeconds += rows.sNaive!.seconds;
  totalSeries += series.length;
  const round = (x: number | undefined) => (x === undefined ? null : Math.round(x * 1000) / 1000);
  report[freq] = {
    series: series.length,
    horizon: cfg.h,
    mase_m: cfg.m,
    computedHere: Object.fromEntries(
      Object.entries(rows).map(([k, r]) => [k, { sMAPE: round(r.sMAPE), MASE: round(r.MASE), OWA: round(r.OWA), seriesPerSecond: Math.round(r.seriesPerSecond) }]),
    ),
    published: publishedRows(resolve(dataDir, "m4_point_forecast_accuracy_by_frequency.csv"), freq)
      .filter((r) => ["Naive2", "sNaive", "SES", "Holt", "Damped", "Theta", "Comb"].includes(r.method) || r.OWA <= (rows.ours!.OWA ?? 0) + 0.05)
      .sort((a, b) => a.OWA - b.OWA),
  };
}
report.speed = {
  series: totalSeries,
  oursSeconds: Math.round(totalOursSeconds * 100) / 100,
  oursSeriesPerSecond: Math.round(totalSeries / totalOursSeconds),
  seasonalNaiveSeriesPerSecond: Math.round(totalSeries / totalSnaiveSeconds),
};
console.log(JSON.stringify(report, null, 1));
