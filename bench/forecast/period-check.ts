// Calibration of projectPeriod's period-total band: each series of eval-forecast's set is projected
// over the 30 days after its history (asOf = last day) and the total is checked against the truth.
//   npx tsx bench/forecast/period-check.ts --data ../shared/data/synthetic-cost-anomalies-dev
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseCostCsv } from "#cli/commands/forecast.js";
import { isoFromDays, toEpochDay } from "#kernel/days.js";
import { projectPeriod } from "#domain/analysis/forecast/index.js";

const { values: args } = parseArgs({ options: { data: { type: "string" } } });
if (!args.data) throw new Error("--data is required");
const history = parseCostCsv(readFileSync(join(args.data, "series.csv"), "utf8"));
const truth = parseCostCsv(readFileSync(join(args.data, "truth-future.csv"), "utf8"));
let n = 0;
let in80 = 0;
let in95 = 0;
let absErr = 0;
let actual = 0;
const relWidth80: number[] = [];
for (const [id, points] of history) {
  const future = truth.get(id);
  if (!future) continue;
  const last = points.reduce((m, p) => Math.max(m, toEpochDay(p.date)), Number.NEGATIVE_INFINITY);
  const p = projectPeriod(points, { periodStart: isoFromDays(last + 1), periodEnd: isoFromDays(last + future.length), asOf: isoFromDays(last) });
  const total = future.reduce((a, x) => a + x.cost, 0);
  n++;
  if (total >= p.lower80 && total <= p.upper80) in80++;
  if (total >= p.lower95 && total <= p.upper95) in95++;
  absErr += Math.abs(total - p.projected);
  actual += total;
  relWidth80.push((p.upper80 - p.lower80) / Math.max(p.projected, 1e-9));
}
relWidth80.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    series: n,
    periodTotalWAPE: absErr / actual,
    coverage80: in80 / n,
    coverage95: in95 / n,
    medianRelativeWidth80: relWidth80[Math.floor(n / 2)],
    p90RelativeWidth80: relWidth80[Math.floor(n * 0.9)],
  }),
);
