/**
 * In-process mirror of ../shared/bench/eval-detect.mjs scoring (event-level precision/recall/F1,
 * false-positive days per 1,000 series-days, median delay), for fast parameter-stability sweeps.
 * The detector is causal, so one run over the full history equals the official per-cutoff runs.
 * The official scorer stays the reference for published figures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Label {
  series_id: string;
  type: string;
  direction?: string;
  start: string;
  end: string;
  ramp_days?: number | null;
  kind?: string;
  /** Set by generate-heldout.ts on an increase that starts within 56 days after a multi-day drop or holiday dip. */
  after_episode?: boolean;
}

export interface LabelledSet {
  end: string;
  evalDays: number;
  labels: Label[];
  series: Map<string, { date: string; cost: number }[]>;
}

const DAY = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);

export function loadSet(dir: string): LabelledSet {
  const meta = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as { end: string; eval_days: number; labels: Label[] };
  const series = new Map<string, { date: string; cost: number }[]>();
  const lines = readFileSync(join(dir, "series.csv"), "utf8").trim().split("\n").slice(1);
  for (const ln of lines) {
    const [id = "", date = "", cost = ""] = ln.split(",");
    const list = series.get(id) ?? [];
    list.push({ date, cost: Number(cost) });
    series.set(id, list);
  }
  return { end: meta.end, evalDays: meta.eval_days, labels: meta.labels.filter((l) => l.type !== "meta"), series };
}

export interface Score {
  events: number;
  tp: number;
  fpEvents: number;
  fpPer1000SeriesDays: number;
  precision: number;
  recall: number;
  f1: number;
  medianDelayDays: number | null;
  /** Recall on the increases that follow a multi-day episode, and on all the others. */
  recallAfterEpisode: { events: number; tp: number; recall: number | null };
  recallOtherwise: { events: number; tp: number; recall: number | null };
  missed: string[];
  falsePositives: string[];
}

/** flags: series id → increase-flag dates. */
export function scoreFlags(set: LabelledSet, flags: Map<string, Set<string>>): Score {
  const end = ms(set.end);
  const evalStart = end - (set.evalDays - 1) * DAY;
  const inc = set.labels.filter((l) => l.direction === "increase");
  const tol = (l: Label) => (l.type === "spike" ? 2 : l.type === "drift" ? (l.ramp_days ?? 14) : 6);
  let tp = 0;
  const delays: number[] = [];
  const missed: string[] = [];
  const after = { events: 0, tp: 0, recall: null as number | null };
  const other = { events: 0, tp: 0, recall: null as number | null };
  for (const l of inc) {
    const bucket = l.after_episode === true ? after : other;
    bucket.events++;
    const s = ms(l.start);
    const f = [...(flags.get(l.series_id) ?? [])]
      .map(ms)
      .filter((d) => d >= s && d <= s + tol(l) * DAY && d >= evalStart && d <= end)
      .sort((a, b) => a - b);
    if (f.length > 0) {
      tp++;
      bucket.tp++;
      delays.push(((f[0] as number) - s) / DAY);
    } else missed.push(`${l.series_id} ${l.kind ?? ""} ${l.type} ${l.start}`);
  }
  let fpEvents = 0;
  let fpDays = 0;
  const falsePositives: string[] = [];
  for (const [id, set2] of flags) {
    const ls = set.labels.filter((l) => l.series_id === id);
    const days = [...set2].map(ms).filter((d) => d >= evalStart && d <= end).sort((a, b) => a - b);
    let prev = Number.NEGATIVE_INFINITY;
    for (const d of days) {
      if (ls.some((l) => d >= ms(l.start) && d <= ms(l.end) + 2 * DAY)) continue;
      fpDays++;
      if (d - prev > DAY) {
        fpEvents++;
        falsePositives.push(`${id} ${new Date(d).toISOString().slice(0, 10)}`);
      }
      prev = d;
    }
  }
  for (const b of [after, other]) b.recall = b.events > 0 ? b.tp / b.events : null;
  const precision = tp / Math.max(1, tp + fpEvents);
  const recall = tp / Math.max(1, inc.length);
  const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
  delays.sort((a, b) => a - b);
  return {
    events: inc.length,
    tp,
    fpEvents,
    fpPer1000SeriesDays: (1000 * fpDays) / (set.series.size * set.evalDays),
    precision,
    recall,
    f1,
    medianDelayDays: delays[Math.floor(delays.length / 2)] ?? null,
    recallAfterEpisode: after,
    recallOtherwise: other,
    missed,
    falsePositives,
  };
}
