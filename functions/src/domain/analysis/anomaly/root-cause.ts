import { z } from "zod";
import { parseIsoDay } from "#kernel/days.js";
import { type DetectionConfig, type DetectionConfigInput, parseDetectionConfig } from "./config.js";
import { densify } from "./detect-series.js";
import { createScanner, roundCents } from "./detector.js";
import type { CostPoint } from "./types.js";

/**
 * Root cause of a deviation, as AWS Cost Anomaly Detection reports it: which child series of the
 * flagged one (an account, service or region inside it) contributed how many dollars.
 */
export interface ChildSeries {
  /** "account" | "service" | "region" or any other cost dimension. */
  dimension: string;
  value: string;
  points: readonly CostPoint[];
}

export interface RootCause {
  dimension: string;
  value: string;
  actual: number;
  /** The child's expectation, rescaled so the children's expectations add up to the parent's. */
  expected: number;
  /** actual − expected: this child's share of the parent's deviation, USD. */
  contribution: number;
  /** contribution / parent deviation (0 when the parent did not deviate). */
  share: number;
}

/** Name of the entry that holds cost the children do not explain (children not summing to the parent). */
export const UNATTRIBUTED = { dimension: "other", value: "(unattributed)" } as const;

const PointsSchema = z.array(z.object({ date: z.string(), cost: z.number().finite() }));

/** Central expectation (USD) of a series on one date, from its history up to that date. */
export function expectedCostOn(points: readonly CostPoint[], date: string, cfg: DetectionConfigInput | DetectionConfig = {}): number {
  const day = parseIsoDay(date);
  if (day === undefined) throw new RangeError(`not a real YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const upTo = PointsSchema.parse(points).filter((p) => (parseIsoDay(p.date) ?? Number.POSITIVE_INFINITY) <= day);
  const series = densify(upTo);
  const i = day - series.startDay;
  if (series.n === 0 || i < 0 || i >= series.n) return Number.NaN;
  const out = new Float64Array(series.n);
  createScanner(parseDetectionConfig(cfg)).scan(series.startDay, series.costs, series.n, () => {}, undefined, out);
  return out[i] as number;
}

function costOn(points: readonly CostPoint[], date: string): number {
  let sum = 0;
  for (const p of points) if (p.date === date) sum += p.cost;
  return sum;
}

/**
 * Splits the parent's deviation on `date` (actual − expected) among its children. Each child's
 * expectation comes from its own causal model; they are rescaled by one common factor so that they
 * add up to the parent's expectation, which makes the contributions add up to the parent's
 * deviation exactly (to the cent). Cost the children do not cover goes to UNATTRIBUTED. Sorted by
 * contribution in the direction of the deviation (largest driver first).
 */
export function attributeRootCause(
  parent: readonly CostPoint[],
  children: readonly ChildSeries[],
  date: string,
  cfg: DetectionConfigInput | DetectionConfig = {},
): RootCause[] {
  const config = parseDetectionConfig(cfg);
  const parentActual = costOn(parent, date);
  let parentExpected = expectedCostOn(parent, date, config);
  if (Number.isNaN(parentExpected)) parentExpected = parentActual;
  const deviation = parentActual - parentExpected;

  const rows = children.map((c) => {
    const actual = costOn(c.points, date);
    const e = expectedCostOn(c.points, date, config);
    return { dimension: c.dimension, value: c.value, actual, rawExpected: !Number.isNaN(e) ? Math.max(e, 0) : actual };
  });
  const childActual = rows.reduce((s, r) => s + r.actual, 0);
  const rawTotal = rows.reduce((s, r) => s + r.rawExpected, 0);
  const gap = parentActual - childActual;
  // The children's expectations must cover the parent's expectation minus the uncovered cost.
  const target = parentExpected - gap;
  const k = rawTotal > 0 ? target / rawTotal : 0;
  const causes: RootCause[] = rows.map((r) => {
    const expected = rawTotal > 0 ? k * r.rawExpected : target / Math.max(1, rows.length);
    return { dimension: r.dimension, value: r.value, actual: r.actual, expected, contribution: r.actual - expected, share: 0 };
  });
  if (Math.abs(gap) >= 0.005) causes.push({ ...UNATTRIBUTED, actual: gap, expected: gap, contribution: 0, share: 0 });

  // Round to cents, then put the rounding residue on the largest contributor so the sum is exact.
  const totalCents = Math.round(deviation * 100);
  for (const c of causes) {
    c.actual = roundCents(c.actual);
    c.expected = roundCents(c.expected);
    c.contribution = roundCents(c.contribution);
  }
  const residue = totalCents - causes.reduce((s, c) => s + Math.round(c.contribution * 100), 0);
  if (residue !== 0 && causes.length > 0) {
    const largest = causes.reduce((a, b) => (Math.abs(b.contribution) > Math.abs(a.contribution) ? b : a));
    largest.contribution = roundCents(largest.contribution + residue / 100);
  }
  for (const c of causes) c.share = totalCents !== 0 ? c.contribution / (totalCents / 100) : 0;
  const dir = deviation >= 0 ? -1 : 1;
  return causes.sort((a, b) => dir * (a.contribution - b.contribution));
}
