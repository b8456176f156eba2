// Method exploration on the TRAIN series only: prints sMAPE, MASE and OWA per candidate, scored on
// the last h points of each training series (origin 1, the same split as `run.ts --validate`) or,
// with a larger origin, on the h points that end (origin - 1) * h before the end of the training
// series (a second look that still never touches the test set).
//   npx tsx bench/m4/explore.ts [Weekly|Hourly] [--origin 1] [--only name,name]
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { mase, owa, smape } from "#domain/analysis/forecast/accuracy-metrics.js";
import { lagSet, linearAutoregression as ar } from "#domain/analysis/forecast/classical/autoregression.js";
import * as B from "#domain/analysis/forecast/classical/benchmark-methods.js";
import { HOURLY_LAGS, hourlyMethod, weeklyComb, weeklyMethod } from "#domain/analysis/forecast/classical/m4-candidates.js";
import { indexedLevel, seasonalDrift, seasonalProfile } from "#domain/analysis/forecast/classical/seasonal-profile.js";
import { loadM4 } from "./load-m4.js";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { origin: { type: "string" }, only: { type: "string" } },
});
const freq = (positionals[0] ?? "Weekly") as "Weekly" | "Hourly";
const origin = Math.max(1, Number(args.origin ?? 1));
const only = args.only ? new Set(args.only.split(",")) : null;
const h = freq === "Weekly" ? 13 : 48;
const m = freq === "Weekly" ? 1 : 24;
const series = loadM4(resolve("../shared/data/m4-competition"), freq).map((x) => {
  const upTo = x.train.slice(0, x.train.length - (origin - 1) * h);
  return { train: upTo.slice(0, -h), test: upTo.slice(-h) };
});
const evalM = (f: B.PointMethod) => {
  let s = 0;
  let q = 0;
  for (const x of series) {
    const fc = f(x.train, h).map((v) => Math.max(0, v));
    s += smape(x.test, fc);
    q += mase(x.train, x.test, fc, m);
  }
  return [s / series.length, q / series.length] as const;
};
const [ns, nm] = evalM(B.naive2(m));

// The methods used before the autoregressions (Weekly 0.862, Hourly 0.570 on the test set).
const previousHourly = B.combine(
  [
    B.combine(
      [
        B.seasonalNaive(24),
        seasonalProfile(24, 7, true, true),
        seasonalProfile(24, 3, true, true),
        seasonalProfile(168, 2),
        seasonalProfile(168, 3),
        indexedLevel(24, 7, B.ses),
        indexedLevel(168, 3, B.ses),
      ],
      "median",
    ),
    seasonalDrift(24, 7),
  ],
  "mean",
);
const levelAr52 = ar({ lags: lagSet(3, [51, 52, 53]) });
const diffAr52 = ar({ lags: lagSet(3, [52]), difference: true, window: 260 });
const dailyLags = lagSet(24, [48, 72, 96, 120, 144, 168]);

const cands: Record<string, B.PointMethod> =
  freq === "Weekly"
    ? {
        previous: weeklyComb,
        theta: B.theta,
        arLog3: ar({ lags: lagSet(3) }),
        arLog3_52: ar({ lags: lagSet(3, [52]) }),
        arLog3_515253: levelAr52,
        arLog6_515253: ar({ lags: lagSet(6, [51, 52, 53]) }),
        arLog3_515253_ridge: ar({ lags: lagSet(3, [51, 52, 53]), ridge: 0.01 }),
        arDiff3: ar({ lags: lagSet(3), difference: true }),
        arDiff3_52: ar({ lags: lagSet(3, [52]), difference: true }),
        arDiff3_52_5y: diffAr52,
        arDiff3_52_3y: ar({ lags: lagSet(3, [52]), difference: true, window: 156 }),
        arDiff3_52_7y: ar({ lags: lagSet(3, [52]), difference: true, window: 364 }),
        meanLevelDiff: B.combine([levelAr52, diffAr52], "mean"),
        medianCombLevelDiff: B.combine([weeklyComb, levelAr52, diffAr52], "median"),
        meanCombThetaLevelDiff: B.combine([weeklyComb, B.theta, levelAr52, diffAr52], "mean"),
        chosen: weeklyMethod,
      }
    : {
        previous: previousHourly,
        arLog24: ar({ lags: lagSet(24) }),
        arLog24_daily: ar({ lags: dailyLags }),
        arLog24_daily_336: ar({ lags: [...dailyLags, 336] }),
        arLog24_daily_ridge: ar({ lags: dailyLags, ridge: 0.001 }),
        arLog24_daily_3weeks: ar({ lags: dailyLags, window: 504 }),
        arRaw24_daily: ar({ lags: dailyLags, log: false }),
        arLog48_daily: ar({ lags: lagSet(48, [72, 96, 120, 144, 167, 168, 169]) }),
        arRaw_hourlyLags: ar({ lags: HOURLY_LAGS, log: false }),
        medianLogRaw3weeks: B.combine([hourlyMethod, ar({ lags: HOURLY_LAGS, log: false }), ar({ lags: HOURLY_LAGS, window: 504 })], "median"),
        meanPreviousAr: B.combine([previousHourly, hourlyMethod], "mean"),
        chosen: hourlyMethod,
      };
for (const [name, f] of Object.entries(cands)) {
  if (only && !only.has(name)) continue;
  const [s, q] = evalM(f);
  console.log(JSON.stringify({ name, origin, sMAPE: +s.toFixed(3), MASE: +q.toFixed(3), OWA: +owa(s, q, ns, nm).toFixed(3) }));
}
