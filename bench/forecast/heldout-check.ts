/**
 * Forecast check by series kind on a set with truth-future.csv (the dev set, or one drawn by
 * `bench/detect/generate-heldout.ts --future 30`): month-total WAPE beside seasonal naive (7),
 * 80% and 95% coverage of the daily bands, and how many series were forecast at exactly 0 for the
 * whole horizon although their truth window had spend. Prints JSON.
 *   npx tsx bench/forecast/heldout-check.ts --data DIR [--horizon 30]
 * The official month-total WAPE and 80% coverage come from ../shared/bench/eval-forecast.mjs; this
 * adds the 95% coverage and the breakdown, on the same forecasts (forecastSeries, as the CLI).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { forecastSeries } from "#domain/analysis/forecast/forecast-series.js";

const { values } = parseArgs({ options: { data: { type: "string" }, horizon: { type: "string", default: "30" } } });
if (!values.data) throw new Error("--data DIR is required");
const dir = values.data;
const horizon = Number(values.horizon);

type Points = { date: string; cost: number }[];
function read(file: string): Map<string, Points> {
  const out = new Map<string, Points>();
  for (const line of readFileSync(join(dir, file), "utf8").trim().split("\n").slice(1)) {
    const [id = "", date = "", cost = ""] = line.split(",");
    const list = out.get(id) ?? [];
    list.push({ date, cost: Number(cost) });
    out.set(id, list);
  }
  return out;
}

const history = read("series.csv");
const truth = read("truth-future.csv");
const kindOf = new Map<string, string>();
const labelsFile = join(dir, "labels.json");
if (existsSync(labelsFile)) {
  const labels = (JSON.parse(readFileSync(labelsFile, "utf8")) as { labels: Record<string, unknown>[] }).labels;
  for (const l of labels) if (l.type === "meta") kindOf.set(String(l.series_id), String(l.kind ?? l.pattern ?? "unknown"));
}

interface Tally {
  series: number;
  absTotalError: number;
  absNaiveError: number;
  actual: number;
  in80: number;
  in95: number;
  days: number;
  allZero: number;
}
const empty = (): Tally => ({ series: 0, absTotalError: 0, absNaiveError: 0, actual: 0, in80: 0, in95: 0, days: 0, allZero: 0 });
const byKind = new Map<string, Tally>();
const total = empty();

for (const [id, points] of history) {
  const future = (truth.get(id) ?? []).slice(0, horizon);
  if (future.length === 0) continue;
  const fc = forecastSeries(points, horizon);
  const last7 = points.slice(-7).map((p) => p.cost);
  let act = 0;
  let pred = 0;
  let naive = 0;
  let in80 = 0;
  let in95 = 0;
  future.forEach((a, h) => {
    const f = fc[h];
    if (!f) return;
    act += a.cost;
    pred += f.mean;
    naive += last7[h % 7] ?? 0;
    if (a.cost >= f.lower80 && a.cost <= f.upper80) in80++;
    if (a.cost >= f.lower95 && a.cost <= f.upper95) in95++;
  });
  const kind = kindOf.get(id) ?? "all";
  const tally = byKind.get(kind) ?? empty();
  for (const t of [tally, total]) {
    t.series++;
    t.absTotalError += Math.abs(act - pred);
    t.absNaiveError += Math.abs(act - naive);
    t.actual += act;
    t.in80 += in80;
    t.in95 += in95;
    t.days += future.length;
    if (act > 0 && fc.every((p) => p.mean === 0)) t.allZero++;
  }
  byKind.set(kind, tally);
}

const summary = (t: Tally) => ({
  series: t.series,
  monthTotalWAPE: t.absTotalError / t.actual,
  seasonalNaive7WAPE: t.absNaiveError / t.actual,
  ratio: t.absTotalError / t.absNaiveError,
  coverage80: t.in80 / t.days,
  coverage95: t.in95 / t.days,
  allZeroForecasts: t.allZero,
  shareOfError: t.absTotalError / total.absTotalError,
});
console.log(
  JSON.stringify(
    { data: dir, horizon, total: summary(total), byKind: Object.fromEntries([...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => [k, summary(t)])) },
    null,
    1,
  ),
);
