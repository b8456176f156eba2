// Generality check on a cost CSV: cut each series `--cut` days before its end, forecast 30 days,
// and score month-total WAPE and 80%/95% coverage against the days that really followed, beside
// the seasonal naive. Unlike eval-forecast.mjs the truth windows here contain anomalies.
//   npx tsx bench/forecast/rolling-check.ts --input ../shared/data/synthetic-cost-anomalies-dev/series.csv [--cut 30,60,90]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseCostCsv } from "#cli/commands/forecast.js";
import { backtestSeries } from "#domain/analysis/forecast/index.js";

const { values: args } = parseArgs({ options: { input: { type: "string" }, cut: { type: "string" } } });
if (!args.input) throw new Error("--input is required");
const cuts = (args.cut ?? "30,60,90").split(",").map(Number);
const series = parseCostCsv(readFileSync(args.input, "utf8"));
const result: Record<string, unknown> = { input: args.input, horizon: 30, series: series.size };
for (const cut of cuts) {
  const t0 = performance.now();
  let actual = 0;
  let err = 0;
  let errNaive = 0;
  let days = 0;
  let in80 = 0;
  let in95 = 0;
  for (const points of series.values()) {
    const t = backtestSeries(points, { horizon: 30, cuts: [cut], minTrain: 60 });
    actual += t.actual;
    err += t.absTotalError;
    errNaive += t.absTotalErrorNaive;
    days += t.days;
    in80 += t.inside80;
    in95 += t.inside95;
  }
  result[`cut${cut}`] = {
    monthTotalWAPE: err / actual,
    seasonalNaive7WAPE: errNaive / actual,
    ratio: err / errNaive,
    coverage80: in80 / days,
    coverage95: in95 / days,
    seconds: (performance.now() - t0) / 1000,
  };
}
console.log(JSON.stringify(result, null, 1));
