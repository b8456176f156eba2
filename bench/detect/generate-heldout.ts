/**
 * Writes a labelled detection set in the dev set's format (series.csv + labels.json), drawn
 * differently on purpose: another seed, 14 series kinds (weekly batches on any weekday, weekends
 * off, mid-month batches on the 5th…25th, declining series, heavy-tailed noise, past level changes,
 * shorter histories), wider noise (σ 2–15 %, tiny series up to 30 %), smaller anomalies (from
 * ×1.5), and dates that cross a year end and February.
 *   npx tsx bench/detect/generate-heldout.ts --out /tmp/detect-heldout [--seed 20260315] [--series 600]
 * Then score: node ../shared/bench/eval-detect.mjs --data /tmp/detect-heldout --cmd '…'
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isoFromDays, parseIsoDay } from "#kernel/days.js";
import { drawShape, KINDS, Rng, realise } from "./synthetic.js";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "/tmp/detect-heldout" },
    seed: { type: "string", default: "20260315" },
    series: { type: "string", default: "600" },
    end: { type: "string", default: "2026-03-15" },
  },
});
const rng = new Rng(Number(values.seed));
const endDay = parseIsoDay(values.end) as number;
const EVAL_DAYS = 91;
const evalStart = endDay - EVAL_DAYS + 1;
const rows: string[] = ["series_id,date,cost"];
const labels: Record<string, unknown>[] = [];

for (let k = 0; k < Number(values.series); k++) {
  const id = `h${String(k).padStart(4, "0")}`;
  const kind = rng.pick(KINDS);
  const n = rng.int(kind === "past_shift" ? 180 : 120, 500);
  const start = endDay - n + 1;
  const shape = drawShape(rng, kind, start, n);
  const anomaly = new Float64Array(n).fill(1);
  const meta = { series_id: id, kind, base_daily_usd: Math.round(shape.base * 100) / 100, sigma: Math.round(shape.sigma * 1000) / 1000 };
  if (kind !== "tiny" && rng.chance(0.45)) {
    const type = rng.pick(["spike", "spike", "level_shift", "drift", "drop"] as const);
    const first = Math.max(evalStart, start + 35) - start;
    // Anomalies start on a billed day (a spike on a weekend that is always $0 would be invisible).
    let s = rng.int(first, n - 8);
    for (let tries = 0; tries < 20 && (shape.profile[s] as number) === 0; tries++) s = rng.int(first, n - 8);
    let e = n - 1;
    let magnitude: number;
    let ramp: number | null = null;
    if (type === "spike") {
      magnitude = rng.uniform(1.5, 6);
      e = Math.min(n - 1, s + rng.int(0, 2));
      for (let i = s; i <= e; i++) anomaly[i] = magnitude;
    } else if (type === "level_shift") {
      magnitude = rng.uniform(1.5, 4);
      for (let i = s; i < n; i++) anomaly[i] = magnitude;
    } else if (type === "drift") {
      magnitude = rng.uniform(1.5, 3.5);
      ramp = rng.int(5, 21);
      for (let i = s; i < n; i++) anomaly[i] = 1 + (magnitude - 1) * Math.min(1, (i - s + 1) / ramp);
    } else {
      magnitude = rng.uniform(0, 0.5);
      e = Math.min(n - 1, s + rng.int(1, 9));
      for (let i = s; i <= e; i++) anomaly[i] = magnitude;
    }
    let impact = 0;
    for (let i = s; i <= e; i++) impact += shape.base * (shape.profile[i] as number) * ((anomaly[i] as number) - 1);
    labels.push({
      ...meta,
      type,
      direction: type === "drop" ? "decrease" : "increase",
      start: isoFromDays(start + s),
      end: isoFromDays(start + e),
      ramp_days: ramp,
      magnitude: Math.round(magnitude * 1000) / 1000,
      impact_usd: Math.round(Math.abs(impact) * 100) / 100,
    });
  }
  labels.push({ ...meta, type: "meta" });
  const costs = realise(rng, shape, anomaly);
  for (let i = 0; i < n; i++) rows.push(`${id},${isoFromDays(start + i)},${costs[i]}`);
}

mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, "series.csv"), `${rows.join("\n")}\n`);
writeFileSync(join(values.out, "labels.json"), JSON.stringify({ end: values.end, eval_days: EVAL_DAYS, horizon: 30, labels }, null, 1));
writeFileSync(
  join(values.out, "SOURCE.txt"),
  `Held-out synthetic detection set from bench/detect/generate-heldout.ts (seed ${values.seed}, ${values.series} series).\n`,
);
console.log(JSON.stringify({ out: values.out, series: Number(values.series), rows: rows.length - 1, events: labels.filter((l) => l.type !== "meta").length }));
