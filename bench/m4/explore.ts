// Method exploration on the TRAIN holdout only (last h of each training series): prints OWA per candidate.
//   npx tsx bench/m4/explore.ts [Weekly|Hourly]
import { resolve } from "node:path";
import { mase, owa, smape } from "#domain/analysis/forecast/accuracy-metrics.js";
import * as B from "#domain/analysis/forecast/classical/benchmark-methods.js";
import { indexedLevel, seasonalDrift, seasonalProfile } from "#domain/analysis/forecast/classical/seasonal-profile.js";
import { hourlyMethod, weeklyMethod } from "#domain/analysis/forecast/classical/m4-candidates.js";
import { loadM4 } from "./load-m4.js";

const freq = (process.argv[2] ?? "Weekly") as "Weekly" | "Hourly";
const h = freq === "Weekly" ? 13 : 48;
const m = freq === "Weekly" ? 1 : 24;
const series = loadM4(resolve("../shared/data/m4-competition"), freq).map((x) => ({ train: x.train.slice(0, -h), test: x.train.slice(-h) }));
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
const sa = (f: B.PointMethod, p: number) => B.seasonallyAdjusted(f, p);
const cands: Record<string, B.PointMethod> =
  freq === "Weekly"
    ? {
        meanSHDT: B.combine([B.ses, B.holt, B.damped, B.theta], "mean"),
        medSHDT: B.combine([B.ses, B.holt, B.damped, B.theta], "median"),
        meanHDT: B.combine([B.holt, B.damped, B.theta], "mean"),
        meanDT: B.combine([B.damped, B.theta], "mean"),
        comb52: sa(B.combine([B.ses, B.holt, B.damped], "mean"), 52),
        meanSHDT52: sa(B.combine([B.ses, B.holt, B.damped, B.theta], "mean"), 52),
        meanDT52: sa(B.combine([B.damped, B.theta], "mean"), 52),
        chosen: weeklyMethod,
      }
    : {
        sNaive24: B.seasonalNaive(24),
        profile24x7: seasonalProfile(24, 7, true, true),
        profile168x3: seasonalProfile(168, 3),
        indexedSes24: indexedLevel(24, 7, B.ses),
        seasonalDrift24x7: seasonalDrift(24, 7),
        median5: B.combine([B.seasonalNaive(24), seasonalProfile(24, 7, true, true), seasonalProfile(24, 3, true, true), seasonalProfile(168, 2), seasonalProfile(168, 3)], "median"),
        median7: B.combine([B.seasonalNaive(24), seasonalProfile(24, 7, true, true), seasonalProfile(24, 3, true, true), seasonalProfile(168, 2), seasonalProfile(168, 3), indexedLevel(24, 7, B.ses), indexedLevel(168, 3, B.ses)], "median"),
        chosen: hourlyMethod,
      };
for (const [name, f] of Object.entries(cands)) {
  const [s, q] = evalM(f);
  console.log(name, s.toFixed(3), q.toFixed(3), owa(s, q, ns, nm).toFixed(3));
}
