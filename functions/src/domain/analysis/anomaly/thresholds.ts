import Big from "big.js";
import { z } from "zod";
import { type RateTable, type RateUse, rateOn } from "../../billing/currency-conversion.js";
import { compareDecimals, MoneyString } from "../../billing/money.js";
import { type DetectionConfigInput, SENSITIVITIES, type SeverityBands } from "./config.js";

/**
 * A tenant's anomaly thresholds, per currency, and how a series in one currency gets its own.
 *
 * Stored on the tenant document as `analysis`:
 * `{ minChangePct?, sensitivity?, thresholds?: { EUR: { minImpact?, impactThreshold?, severityBands? }, ... } }`,
 * amounts as decimal strings in the currency they are listed under. A series is in one currency
 * and is judged with that currency's amounts only; amounts of two currencies are never compared.
 * Documents written while the thresholds were dollar amounts (`minImpactUsd`, `impactThresholdUsd`,
 * numbers) read as those amounts in USD; a `thresholds.USD` value written since wins over them.
 */

const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "a currency is an ISO 4217 code such as USD or EUR");
const Amount = MoneyString.refine((a) => compareDecimals(a, "0") >= 0, "a threshold is not negative");

const BandsSchema = z
  .object({ critical: Amount, high: Amount, medium: Amount })
  .strict()
  .refine((b) => compareDecimals(b.critical, b.high) >= 0 && compareDecimals(b.high, b.medium) >= 0, "severity bands must satisfy critical ≥ high ≥ medium");

export const CurrencyThresholdsSchema = z
  .object({
    /** No day whose |actual − expected| is below this is flagged. */
    minImpact: Amount.optional(),
    /** A deviation this large is flagged even below the percentage threshold. */
    impactThreshold: Amount.optional(),
    /** |impact| from which an anomaly is medium, high, critical (before the surprise adjusts it). */
    severityBands: BandsSchema.optional(),
  })
  .strict();
export type CurrencyThresholds = z.output<typeof CurrencyThresholdsSchema>;

/** A legacy dollar figure (a number) as a decimal string; anything else is left for the schema to judge. */
const legacyAmount = (v: unknown): unknown => (typeof v === "number" && Number.isFinite(v) ? new Big(v).toFixed() : v);

function upgradeLegacySettings(input: unknown): unknown {
  if (typeof input !== "object" || input === null) return input;
  const { minImpactUsd, impactThresholdUsd, ...rest } = input as Record<string, unknown>;
  if (minImpactUsd === undefined && impactThresholdUsd === undefined) return rest;
  const thresholds = (typeof rest.thresholds === "object" && rest.thresholds !== null ? rest.thresholds : {}) as Record<string, unknown>;
  const usd = (typeof thresholds.USD === "object" && thresholds.USD !== null ? thresholds.USD : {}) as Record<string, unknown>;
  const legacy: Record<string, unknown> = {};
  if (minImpactUsd !== undefined) legacy.minImpact = legacyAmount(minImpactUsd);
  if (impactThresholdUsd !== undefined) legacy.impactThreshold = legacyAmount(impactThresholdUsd);
  return { ...rest, thresholds: { ...thresholds, USD: { ...legacy, ...usd } } };
}

/** The tenant document's `analysis` map. */
export const TenantDetectionSettingsSchema = z.preprocess(
  upgradeLegacySettings,
  z
    .object({
      /** Smallest relative change worth flagging, in percent (currency-neutral). */
      minChangePct: z.number().finite().nonnegative().max(100_000).optional(),
      sensitivity: z.enum(SENSITIVITIES).optional(),
      thresholds: z
        .record(CurrencyCode, CurrencyThresholdsSchema)
        .refine((m) => Object.keys(m).length <= 50, "thresholds list at most 50 currencies")
        .optional(),
    })
    .strict(),
);
export type TenantDetectionSettings = z.output<typeof TenantDetectionSettingsSchema>;

/**
 * The tenant's settings from its document's `analysis` map (absent: none); a malformed map throws
 * a RangeError naming the field, rather than running detection on settings the tenant did not set.
 *
 * @example
 * parseTenantDetectionSettings({ minImpactUsd: 50 }); // { thresholds: { USD: { minImpact: "50" } } }
 */
export function parseTenantDetectionSettings(analysis: unknown): TenantDetectionSettings {
  const r = TenantDetectionSettingsSchema.safeParse(analysis ?? {});
  if (!r.success) throw new RangeError(`invalid tenant analysis settings: ${z.prettifyError(r.error)}`);
  return r.data;
}

/**
 * Where a series' threshold came from: set by the tenant in the series' currency; the built-in
 * default (the series is in the reporting currency and the tenant set none there); converted from
 * the reporting currency's (configured or default) at a dated rate; or none, as no rate exists.
 */
export type ThresholdSource = "configured" | "default" | "converted" | "none";

/** A series currency's thresholds, ready for the detector, with where each came from. */
export interface ResolvedThresholds {
  currency: string;
  config: DetectionConfigInput;
  sources: { minImpact: ThresholdSource; impactThreshold: ThresholdSource; severityBands: ThresholdSource };
  /** The rate that converted the reporting currency's amounts, when one did. */
  rate?: RateUse;
}

export interface ThresholdCurrencyContext {
  /** The tenant's reporting currency: its thresholds (or the built-in defaults) stand for unlisted currencies. */
  reporting: string;
  /** The config's dated rate table (costs --convert reads the same one); absent: no conversion. */
  rates?: RateTable;
  /** The day whose rate converts (the analysis day); a day without a row takes the latest earlier one, up to 7 days back. */
  day: string;
}

/** The built-in amounts, which stand as the reporting currency's own when the tenant sets none there. */
const DEFAULTS = {
  minImpact: "1",
  impactThreshold: "1000",
  severityBands: { critical: "1000", high: "100", medium: "10" },
};

const bandsToNumbers = (b: { critical: string; high: string; medium: string }, times = "1"): SeverityBands => ({
  critical: new Big(b.critical).times(times).toNumber(),
  high: new Big(b.high).times(times).toNumber(),
  medium: new Big(b.medium).times(times).toNumber(),
});

/**
 * The detector settings for a series in `currency`. Each amount (minimum impact, impact threshold,
 * severity bands) is, in order: the tenant's own for that currency; else the reporting currency's
 * (the tenant's there, else the built-in default 1 / 1000 / 1000-100-10), as is when the series is
 * in the reporting currency and converted at the config's rate on `ctx.day` when it is not. With no
 * rate, that amount is left out, never taken at face value in another currency: no impact floor,
 * no size-only flag (the percentage threshold and the statistical surprise still apply), and
 * severity from the surprise alone (low to high, never critical). The anomaly records the sources.
 *
 * @example
 * resolveThresholds({ thresholds: { USD: { minImpact: "50" } } }, "EUR",
 *   { reporting: "USD", rates: { base: "EUR", source: "ECB", days: { "2024-09-02": { USD: "1.1059" } } }, day: "2024-09-02" });
 * // config.minImpact ≈ 45.21 (50 USD in EUR), sources.minImpact "converted"
 */
export function resolveThresholds(settings: TenantDetectionSettings, currency: string, ctx: ThresholdCurrencyContext): ResolvedThresholds {
  const own = settings.thresholds?.[currency] ?? {};
  // What stands for the reporting currency: the tenant's amounts there, else the built-in defaults.
  const fromReporting = currency === ctx.reporting ? {} : (settings.thresholds?.[ctx.reporting] ?? {});
  let rate: RateUse | null | undefined;
  const rateFor = (): RateUse | null => {
    if (rate === undefined) rate = currency !== ctx.reporting && ctx.rates ? rateOn(ctx.rates, ctx.reporting, currency, ctx.day) : null;
    return rate;
  };
  const sourceOf = (field: keyof CurrencyThresholds): ThresholdSource => {
    if (own[field] !== undefined) return "configured";
    if (currency === ctx.reporting) return "default";
    return rateFor() ? "converted" : "none";
  };
  const sources = { minImpact: sourceOf("minImpact"), impactThreshold: sourceOf("impactThreshold"), severityBands: sourceOf("severityBands") };
  const times = (source: ThresholdSource) => (source === "converted" ? (rateFor()?.rate ?? "1") : "1");
  const amount = (field: "minImpact" | "impactThreshold"): number | null => {
    const v = own[field];
    if (v !== undefined) return new Big(v).toNumber();
    if (sources[field] === "none") return null;
    return new Big(fromReporting[field] ?? DEFAULTS[field]).times(times(sources[field])).toNumber();
  };
  const bands = (): SeverityBands | null => {
    if (own.severityBands) return bandsToNumbers(own.severityBands);
    if (sources.severityBands === "none") return null;
    return bandsToNumbers(fromReporting.severityBands ?? DEFAULTS.severityBands, times(sources.severityBands));
  };
  const config: DetectionConfigInput = {
    minImpact: amount("minImpact") ?? 0,
    impactThreshold: amount("impactThreshold"),
    severityBands: bands(),
  };
  if (settings.minChangePct !== undefined) config.percentThreshold = settings.minChangePct / 100;
  if (settings.sensitivity) config.sensitivity = settings.sensitivity;
  const used = Object.values(sources).includes("converted") ? rateFor() : null;
  return { currency, config, sources, ...(used ? { rate: used } : {}) };
}

/** What an anomaly records of its thresholds: each amount's source and, when converted, the rate used. */
export interface AnomalyThresholdBasis {
  sources: ResolvedThresholds["sources"];
  rate?: { from: string; to: string; rate: string; rateDay: string; source: string };
}

/** The record kept beside an anomaly of how its series' thresholds were set. */
export function thresholdBasisOf(r: ResolvedThresholds): AnomalyThresholdBasis {
  return {
    sources: r.sources,
    ...(r.rate ? { rate: { from: r.rate.from, to: r.rate.to, rate: r.rate.rate, rateDay: r.rate.rateDay, source: r.rate.source } } : {}),
  };
}
