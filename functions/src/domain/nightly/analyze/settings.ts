import { z } from "zod";
import { SETTLE_DAYS } from "../../analysis/day-completeness.js";
import { MAX_HORIZON } from "../../analysis/forecast/index.js";

/** Tunables of the nightly analysis; every field has a default. */
export interface AnalyzeSettings {
  /** Days of ledger the models see, ending on asOf: 13 months plus room for a year-over-year week. */
  historyDays?: number;
  /** Days the tenant total is forecast ahead (DESIGN.md §7: at least 90). */
  forecastHorizonDays?: number;
  /** Days, counting asOf, whose cost is still filling in: not judged as drops, not scored in backtests. */
  settleDays?: number;
}

export const DEFAULT_ANALYZE_SETTINGS: Required<AnalyzeSettings> = { historyDays: 400, forecastHorizonDays: 90, settleDays: SETTLE_DAYS };

/** A week: the anomaly runs re-read the last 7 days, so a provisional day is always re-scored once it settles. */
const MAX_SETTLE_DAYS = 7;

/** Ten years: far beyond any period a budget or model looks at, small enough to stay one query. */
const MAX_HISTORY_DAYS = 3660;

const SettingsSchema = z
  .object({
    historyDays: z.number().int().min(1).max(MAX_HISTORY_DAYS).optional(),
    forecastHorizonDays: z.number().int().min(1).max(MAX_HORIZON).optional(),
    settleDays: z.number().int().min(0).max(MAX_SETTLE_DAYS).optional(),
  })
  .strict();

/** The settings with defaults filled in; a value out of range is a wiring mistake and throws. */
export function resolveAnalyzeSettings(settings: AnalyzeSettings = {}): Required<AnalyzeSettings> {
  const r = SettingsSchema.safeParse(settings);
  if (!r.success) throw new RangeError(`invalid analysis settings: ${z.prettifyError(r.error)}`);
  return {
    historyDays: r.data.historyDays ?? DEFAULT_ANALYZE_SETTINGS.historyDays,
    forecastHorizonDays: r.data.forecastHorizonDays ?? DEFAULT_ANALYZE_SETTINGS.forecastHorizonDays,
    settleDays: r.data.settleDays ?? DEFAULT_ANALYZE_SETTINGS.settleDays,
  };
}
