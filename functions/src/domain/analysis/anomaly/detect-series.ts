import { z } from "zod";
import { isoFromDays, parseIsoDay } from "#kernel/days.js";
import { type DetectionConfig, type DetectionConfigInput, parseDetectionConfig } from "./config.js";
import { createScanner, roundCents } from "./detector.js";
import { feedbackCodes, type SeriesFeedback, SeriesFeedbackSchema } from "./feedback.js";
import type { AnomalyScanner } from "./scanner.js";
import { severityOf } from "./severity.js";
import type { AnomalyFlag, CostPoint } from "./types.js";

const PointSchema = z.object({
  date: z.string().refine((d) => parseIsoDay(d) !== undefined, "date must be a real YYYY-MM-DD date"),
  cost: z.number().finite(),
});
const PointsSchema = z.array(PointSchema);
const FeedbackListSchema = z.array(SeriesFeedbackSchema);

/** A series laid out densely: costs[i] is day startDay + i (NaN where the input has no row). */
export interface DenseSeries {
  startDay: number;
  costs: Float64Array;
  n: number;
}

/** Lays points out by day; unsorted input is fine, and rows for the same day are summed. */
export function densify(points: readonly CostPoint[]): DenseSeries {
  if (points.length === 0) return { startDay: 0, costs: new Float64Array(0), n: 0 };
  const days = points.map((p) => parseIsoDay(p.date) as number);
  const startDay = Math.min(...days);
  const n = Math.max(...days) - startDay + 1;
  const costs = new Float64Array(n).fill(Number.NaN);
  days.forEach((d, i) => {
    const prev = costs[d - startDay] as number;
    const cost = (points[i] as CostPoint).cost;
    costs[d - startDay] = !Number.isNaN(prev) ? prev + cost : cost;
  });
  return { startDay, costs, n };
}

/** Runs a scanner over a dense series and turns its raw flags into AnomalyFlag records. */
export function flagDenseSeries(
  seriesId: string,
  series: DenseSeries,
  scanner: AnomalyScanner,
  cfg: DetectionConfig,
  out: AnomalyFlag[],
  feedback?: Int8Array,
): void {
  scanner.scan(
    series.startDay,
    series.costs,
    series.n,
    (i, dir, expected, actual, z) => {
      const impact = roundCents(actual - expected);
      out.push({
        series_id: seriesId,
        date: isoFromDays(series.startDay + i),
        direction: dir === 1 ? "increase" : "decrease",
        expected: roundCents(expected),
        actual: roundCents(actual),
        impact,
        score: Math.round(z * 100) / 100,
        severity: severityOf(actual - expected, z, cfg.severityBands),
      });
    },
    feedback,
  );
}

/**
 * Judges every date of one series causally (the nightly pipeline's entry point): each returned flag
 * depends only on points dated on or before it. Points may be unsorted; missing days are skipped.
 */
export function detectSeries(
  points: readonly CostPoint[],
  cfg: DetectionConfigInput | DetectionConfig = {},
  feedback: readonly SeriesFeedback[] = [],
  seriesId = "series",
): AnomalyFlag[] {
  const config = parseDetectionConfig(cfg);
  const series = densify(PointsSchema.parse(points));
  const codes = feedbackCodes(FeedbackListSchema.parse(feedback), series.startDay, series.n);
  const out: AnomalyFlag[] = [];
  flagDenseSeries(seriesId, series, createScanner(config), config, out, codes);
  return out;
}
