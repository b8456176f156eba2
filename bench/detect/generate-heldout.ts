/**
 * Writes a labelled detection set in the dev set's format (series.csv + labels.json), drawn
 * differently on purpose: another seed, 14 series kinds (weekly batches on any weekday, weekends
 * off, mid-month batches on the 5th…25th, declining series, heavy-tailed noise, past level changes,
 * shorter histories), wider noise (σ 2–15 %, tiny series up to 30 %), smaller anomalies (from
 * ×1.5), and dates that cross a year end and February.
 *   npx tsx bench/detect/generate-heldout.ts --out /tmp/detect-heldout [--seed 20260315] [--series 600]
 * Harder draws (all off by default, so the seeds above give the same sets as before):
 *   --episodes P  an increase event is preceded, with probability P, by an unrelated multi-day drop
 *                 (3–14 days to ×0.05–0.6, ending 7–56 days before it), labelled as a decrease;
 *   --regimes P   a series switches, with probability P, between two stable levels (×0.4–0.7 or
 *                 ×1.5–3, 14–45 days each) all its life, unlabelled: returning to a level is normal;
 *   --holiday P   a series dips, with probability P, over 24 Dec–1 Jan (×0.2–0.7), labelled as a
 *                 decrease;
 *   --noise X     multiplies every series' noise σ;
 *   --future H    also writes the H days after each history to truth-future.csv (for
 *                 eval-forecast.mjs; the shapes then differ slightly from the same seed without it).
 * An increase label that starts within 56 days after the end of a drop or holiday dip carries
 * `after_episode` (the episode's length in days), so recall can be reported for it separately.
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
    episodes: { type: "string", default: "0" },
    regimes: { type: "string", default: "0" },
    holiday: { type: "string", default: "0" },
    noise: { type: "string", default: "1" },
    future: { type: "string", default: "0" },
  },
});
const rng = new Rng(Number(values.seed));
const endDay = parseIsoDay(values.end) as number;
const EVAL_DAYS = 91;
const evalStart = endDay - EVAL_DAYS + 1;
const rows: string[] = ["series_id,date,cost"];
const pEpisode = Number(values.episodes);
const pRegimes = Number(values.regimes);
const pHoliday = Number(values.holiday);
const noise = Number(values.noise);
const future = Number(values.future);
const truth: string[] = ["series_id,date,cost"];
/** Days after an episode's end during which a following event counts as "after an episode". */
const AFTER_EPISODE_DAYS = 56;
const labels: Record<string, unknown>[] = [];

for (let k = 0; k < Number(values.series); k++) {
  const id = `h${String(k).padStart(4, "0")}`;
  const kind = rng.pick(KINDS);
  const n = rng.int(kind === "past_shift" ? 180 : 120, 500);
  const start = endDay - n + 1;
  // With --future, the series runs on after its history: those days go to truth-future.csv.
  const N = n + future;
  const shape = drawShape(rng, kind, start, N);
  if (noise !== 1) shape.sigma *= noise;
  const regimes = kind !== "tiny" && pRegimes > 0 && rng.chance(pRegimes);
  if (regimes) {
    const other = rng.chance(0.5) ? rng.uniform(0.4, 0.7) : rng.uniform(1.5, 3);
    let high = false;
    for (let i = 0; i < N; ) {
      const len = rng.int(14, 45);
      for (let k = i; k < Math.min(N, i + len); k++) if (high) shape.profile[k] = (shape.profile[k] as number) * other;
      high = !high;
      i += len;
    }
  }
  const anomaly = new Float64Array(N).fill(1);
  /** Multi-day episodes (index of the last day) an increase label may follow. */
  const episodeEnds: number[] = [];
  const meta = { series_id: id, kind, base_daily_usd: Math.round(shape.base * 100) / 100, sigma: Math.round(shape.sigma * 1000) / 1000 };
  // The holiday dip: the last 24 Dec–1 Jan inside the history (after a 35-day warm-up).
  let holiday: [number, number] | null = null;
  if (kind !== "tiny" && pHoliday > 0 && rng.chance(pHoliday)) {
    const endYear = Number(values.end.slice(0, 4));
    let first = (parseIsoDay(`${endYear}-12-24`) as number) - start;
    if (first + 8 >= n) first = (parseIsoDay(`${endYear - 1}-12-24`) as number) - start;
    if (first >= 35) {
      const factor = rng.uniform(0.2, 0.7);
      for (let i = first; i <= first + 8; i++) anomaly[i] = factor;
      labels.push({ ...meta, type: "holiday", direction: "decrease", start: isoFromDays(start + first), end: isoFromDays(start + first + 8), magnitude: Math.round(factor * 1000) / 1000 });
      holiday = [first, first + 8];
      episodeEnds.push(first + 8);
    }
  }
  const clash = (i: number) => holiday !== null && i >= holiday[0] - 3 && i <= holiday[1] + 3;
  if (kind !== "tiny" && rng.chance(0.45)) {
    const type = rng.pick(["spike", "spike", "level_shift", "drift", "drop"] as const);
    const first = Math.max(evalStart, start + 35) - start;
    // Anomalies start on a billed day (a spike on a weekend that is always $0 would be invisible),
    // outside the holiday dip.
    let s = rng.int(first, n - 8);
    for (let tries = 0; tries < 20 && ((shape.profile[s] as number) === 0 || clash(s)); tries++) s = rng.int(first, n - 8);
    let e = n - 1;
    let magnitude: number;
    let ramp: number | null = null;
    if (type === "spike") {
      magnitude = rng.uniform(1.5, 6);
      e = Math.min(n - 1, s + rng.int(0, 2));
      for (let i = s; i <= e; i++) anomaly[i] = (anomaly[i] as number) * magnitude;
    } else if (type === "level_shift") {
      magnitude = rng.uniform(1.5, 4);
      for (let i = s; i < N; i++) anomaly[i] = (anomaly[i] as number) * magnitude;
    } else if (type === "drift") {
      magnitude = rng.uniform(1.5, 3.5);
      ramp = rng.int(5, 21);
      for (let i = s; i < N; i++) anomaly[i] = (anomaly[i] as number) * (1 + (magnitude - 1) * Math.min(1, (i - s + 1) / ramp));
    } else {
      magnitude = rng.uniform(0, 0.5);
      e = Math.min(n - 1, s + rng.int(1, 9));
      for (let i = s; i <= e; i++) anomaly[i] = (anomaly[i] as number) * magnitude;
    }
    let impact = 0;
    for (let i = s; i <= e; i++) impact += shape.base * (shape.profile[i] as number) * ((anomaly[i] as number) - 1);
    if (type !== "drop" && pEpisode > 0 && rng.chance(pEpisode)) {
      const len = rng.int(3, 14);
      const last = s - rng.int(7, 56);
      const first = last - len + 1;
      if (first >= 35 && !clash(first) && !clash(last)) {
        const factor = rng.uniform(0.05, 0.6);
        for (let i = first; i <= last; i++) anomaly[i] = factor;
        labels.push({ ...meta, type: "drop", direction: "decrease", start: isoFromDays(start + first), end: isoFromDays(start + last), magnitude: Math.round(factor * 1000) / 1000 });
        episodeEnds.push(last);
      }
    }
    const after = episodeEnds.filter((x) => x < s && s - x <= AFTER_EPISODE_DAYS);
    labels.push({
      ...meta,
      type,
      direction: type === "drop" ? "decrease" : "increase",
      start: isoFromDays(start + s),
      end: isoFromDays(start + e),
      ramp_days: ramp,
      magnitude: Math.round(magnitude * 1000) / 1000,
      impact_usd: Math.round(Math.abs(impact) * 100) / 100,
      ...(after.length > 0 ? { after_episode: true } : {}),
    });
  }
  labels.push({ ...meta, ...(regimes ? { regimes: true } : {}), type: "meta" });
  const costs = realise(rng, shape, anomaly);
  for (let i = 0; i < n; i++) rows.push(`${id},${isoFromDays(start + i)},${costs[i]}`);
  for (let i = n; i < N; i++) truth.push(`${id},${isoFromDays(start + i)},${costs[i]}`);
}

mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, "series.csv"), `${rows.join("\n")}\n`);
if (future > 0) writeFileSync(join(values.out, "truth-future.csv"), `${truth.join("\n")}\n`);
writeFileSync(join(values.out, "labels.json"), JSON.stringify({ end: values.end, eval_days: EVAL_DAYS, horizon: 30, labels }, null, 1));
writeFileSync(
  join(values.out, "SOURCE.txt"),
  `Held-out synthetic detection set from bench/detect/generate-heldout.ts (seed ${values.seed}, ${values.series} series, episodes ${pEpisode}, regimes ${pRegimes}, holiday ${pHoliday}, noise ×${noise}).\n`,
);
console.log(JSON.stringify({ out: values.out, series: Number(values.series), rows: rows.length - 1, events: labels.filter((l) => l.type !== "meta").length }));
