import { addDays } from "#kernel/days.js";
import { addDecimals, fromNumber, roundDecimal, sub } from "../../billing/money.js";
import type { DetectionConfigInput } from "./config.js";
import { detectSeries } from "./detect-series.js";
import type { SeriesFeedback } from "./feedback.js";
import { attributeRootCause } from "./root-cause.js";
import type { AnomalyThresholdBasis } from "./thresholds.js";
import type { AnomalyFlag, AnomalySeverity, Direction } from "./types.js";
import type { UsageSeries } from "./usage-series.js";

/** Flags dated this many days back from asOf are (re)considered each run: late data revises recent days. */
export const RECENT_DAYS = 7;

/** One anomaly: consecutive flagged days of one series in one direction, amounts as decimal strings in the series' currency. */
export interface AnomalyRun {
  seriesKey: string;
  start: string;
  end: string;
  direction: Direction;
  /** Decimal amounts in `currency`, the series' billing currency. */
  expected: string;
  actual: string;
  impact: string;
  currency: string;
  score: number;
  severity: AnomalySeverity;
  /** Each region's contribution on the run's last day. */
  rootCauses: { dimension: string; value: string; contribution: string }[];
  /** Where the thresholds that judged it came from, when the caller resolved them per currency. */
  thresholds?: AnomalyThresholdBasis;
}

/** Detector settings: one for every series, or each series' from its currency (thresholds.ts resolves a tenant's). */
export type SettingsForSeries = DetectionConfigInput | ((currency: string) => DetectionConfigInput);

/** The settings a series in `currency` is judged with. */
export const settingsFor = (settings: SettingsForSeries, currency: string): DetectionConfigInput =>
  typeof settings === "function" ? settings(currency) : settings;

export interface AnomalyRunOptions {
  settings: SettingsForSeries;
  /** User feedback by series key. */
  feedback: ReadonlyMap<string, readonly SeriesFeedback[]>;
  asOf: string;
  recentDays?: number;
  /**
   * The first day still filling in (day-completeness.ts): a drop on it or later is not flagged,
   * since late rows may yet fill it. An increase is: late rows only add to it. Absent: every day counts.
   */
  provisionalFrom?: string;
}

const SEVERITY_ORDER: AnomalySeverity[] = ["low", "medium", "high", "critical"];
const maxSeverity = (a: AnomalySeverity, b: AnomalySeverity): AnomalySeverity =>
  SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;

/** Cents; sub-cent noise of the model reads as zero rather than "-0.00". */
const money = (n: number) => fromNumber(Math.abs(n) < 0.005 ? 0 : n, 2);

/** Cents as "12.30"; a zero difference reads "0.00", never "-0.00". */
const cents = (d: string) => {
  const r = roundDecimal(d, 2);
  return r === "-0.00" ? "0.00" : r;
};

/**
 * A run's figures, money added as decimals only: the actual is the ledger's exact daily sums
 * rounded once to cents, the expected the model's daily values each rounded to cents, and the
 * impact their exact difference. So `actual − expected = impact` to the cent, and every
 * place that shows one or the other (alert headline, summary, digest) agrees.
 */
function runFigures(group: readonly AnomalyFlag[], exact: ReadonlyMap<string, string>): { expected: string; actual: string; impact: string } {
  const actual = cents(addDecimals(group.map((f) => exact.get(f.date) ?? "0")));
  const expected = cents(addDecimals(group.map((f) => money(f.expected))));
  return { expected, actual, impact: cents(sub(actual, expected)) };
}

/** Consecutive flagged days of the same direction form one anomaly. */
function groupFlags(flags: AnomalyFlag[]): AnomalyFlag[][] {
  const groups: AnomalyFlag[][] = [];
  for (const f of [...flags].sort((a, b) => a.date.localeCompare(b.date))) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && prev.direction === f.direction && addDays(prev.date, 1) === f.date) last.push(f);
    else groups.push([f]);
  }
  return groups;
}

/**
 * Detects anomalies on each usage series, judging each day only on the days up to it, and keeps
 * the runs that touch the recent days up to asOf, series by series in the given order, each from
 * its first flagged day (so a run longer than the recent window keeps its start, and its id).
 * Every run re-scores the recent days on the ledger as it now reads, so late rows that landed
 * since the last run change the flags of the days they fill. Root cause: each region's
 * contribution on the run's last day.
 */
export function findAnomalyRuns(series: readonly UsageSeries[], opts: AnomalyRunOptions): AnomalyRun[] {
  const recentFrom = addDays(opts.asOf, -(opts.recentDays ?? RECENT_DAYS) + 1);
  const runs: AnomalyRun[] = [];
  for (const s of series) {
    const settings = settingsFor(opts.settings, s.currency);
    const flags = detectSeries(s.series.points, settings, opts.feedback.get(s.seriesKey) ?? [], s.seriesKey).filter(
      (f) => f.date <= opts.asOf && !(f.direction === "decrease" && opts.provisionalFrom !== undefined && f.date >= opts.provisionalFrom),
    );
    for (const group of groupFlags(flags)) {
      if (group[group.length - 1]!.date < recentFrom) continue;
      const first = group[0]!;
      const last = group[group.length - 1]!;
      runs.push({
        seriesKey: s.seriesKey,
        currency: s.currency,
        start: first.date,
        end: last.date,
        direction: first.direction,
        ...runFigures(group, s.series.exact),
        score: Math.max(...group.map((f) => f.score)),
        severity: group.map((f) => f.severity).reduce(maxSeverity),
        rootCauses: attributeRootCause(s.series.points, s.regions, last.date, settings).map((c) => ({
          dimension: c.dimension,
          value: c.value,
          contribution: money(c.contribution),
        })),
      });
    }
  }
  return runs;
}
