import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { isoFromDays, toEpochDay } from "#kernel/days.js";
import type { DailyPoint } from "#domain/analysis/forecast/index.js";

/** Seeded daily series: level x weekday factor x (1 + sigma * N(0,1)), plus an optional day-1 fee. */
export function simulate(opts: {
  seed: number;
  start: string;
  days: number;
  level: number;
  weekday?: readonly number[]; // Sunday..Saturday
  sigma?: number;
  dayOneFee?: number;
}): DailyPoint[] {
  const rng = xoroshiro128plus(opts.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
  const start = toEpochDay(opts.start);
  const out: DailyPoint[] = [];
  for (let i = 0; i < opts.days; i++) {
    const date = isoFromDays(start + i);
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    const base = opts.level * (opts.weekday?.[dow] ?? 1) * (1 + (opts.sigma ?? 0) * normal());
    const fee = date.endsWith("-01") ? (opts.dayOneFee ?? 0) : 0;
    out.push({ date, cost: Math.max(0, base) + fee });
  }
  return out;
}
