import { z } from "zod";
import { ISO_DATE, isoFromDays, toEpochDay } from "#kernel/days.js";
import { calibratedBands } from "./calibrated-intervals.js";
import { fitDailyCostModel } from "./daily-cost-model.js";
import type { DailyPoint, ForecastPoint } from "./types.js";

export const MAX_HORIZON = 3660;

const pointsSchema = z
  .array(
    z.object({
      // Form only: toEpochDay names the day that does not exist.
      date: z.string().regex(ISO_DATE, "date must be YYYY-MM-DD"),
      cost: z.number().finite(),
    }),
  )
  .min(1, "a series needs at least one day");
const horizonSchema = z.number().int().min(1).max(MAX_HORIZON);

export interface DenseSeries {
  startDay: number;
  values: number[];
}

/**
 * Dense daily values from possibly unsorted, gappy points. Billing exports omit days without
 * charges, so a missing day is a zero-cost day; duplicate dates are summed (several line items).
 */
export function densify(points: readonly DailyPoint[]): DenseSeries {
  const byDay = new Map<number, number>();
  for (const p of points) {
    const d = toEpochDay(p.date);
    byDay.set(d, (byDay.get(d) ?? 0) + p.cost);
  }
  const days = [...byDay.keys()];
  const startDay = Math.min(...days);
  const endDay = Math.max(...days);
  const values: number[] = [];
  for (let d = startDay; d <= endDay; d++) values.push(byDay.get(d) ?? 0);
  return { startDay, values };
}

/** Daily forecast for the `horizon` days after the series' last date, with calibrated 80%/95% bands. */
export function forecastSeries(points: readonly DailyPoint[], horizon: number): ForecastPoint[] {
  const parsed = pointsSchema.parse(points);
  const h = horizonSchema.parse(horizon);
  const { startDay, values } = densify(parsed);
  return forecastDense(values, startDay, h);
}

export function forecastDense(values: readonly number[], startDay: number, horizon: number): ForecastPoint[] {
  const model = fitDailyCostModel(values, startDay);
  const means = model.forecast(horizon);
  const bands = calibratedBands(values, startDay, model, means);
  const lastDay = startDay + values.length - 1;
  return means.map((m, i) => ({
    date: isoFromDays(lastDay + i + 1),
    mean: m,
    lower80: bands.lower80[i] ?? m,
    upper80: bands.upper80[i] ?? m,
    lower95: bands.lower95[i] ?? m,
    upper95: bands.upper95[i] ?? m,
  }));
}
