import { z } from "zod";

/**
 * Detection settings for one series (DESIGN.md §7). Money gates mirror the AWS Cost Anomaly
 * Detection threshold expression: a flag needs the absolute impact OR the percentage impact to reach
 * its threshold, and never falls below `minImpact`, whatever its statistical surprise. Every amount
 * here is in the series' own currency: a tenant's settings per currency are resolved into this for
 * each series by thresholds.ts, never applied across currencies.
 */
export const SENSITIVITIES = ["low", "medium", "high"] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

const Amount = z.number().finite().nonnegative();

/** Severity bands on |impact| in the series currency (critical ≥ high ≥ medium; anything else is low). */
export const SeverityBandsSchema = z
  .object({ critical: Amount, high: Amount, medium: Amount })
  .strict()
  .refine((s) => s.critical >= s.high && s.high >= s.medium, "severity bands must satisfy critical ≥ high ≥ medium");
export type SeverityBands = z.output<typeof SeverityBandsSchema>;

export const DetectionConfigSchema = z
  .object({
    /** Hard floor: a day whose |actual − expected| is below this amount is never flagged. */
    minImpact: Amount.default(1),
    /** A deviation at least this large is flagged even below `percentThreshold`; `null`: size alone never is. */
    impactThreshold: Amount.nullable().default(1000),
    /** Minimum relative change |actual − expected| / expected (0.2 = 20 %). */
    percentThreshold: z.number().finite().nonnegative().default(0.2),
    /** How surprising a day must be: see {@link SENSITIVITY_Z}. */
    sensitivity: z.enum(SENSITIVITIES).default("medium"),
    /**
     * Severity bands on |impact|; `null` when the series' currency has none (no configured bands and
     * no rate to convert them): severity then follows the surprise alone (severity.ts).
     */
    severityBands: SeverityBandsSchema.nullable().default({ critical: 1000, high: 100, medium: 10 }),
  })
  .strict();

export type DetectionConfig = z.output<typeof DetectionConfigSchema>;
export type DetectionConfigInput = z.input<typeof DetectionConfigSchema>;

export function parseDetectionConfig(input: unknown = {}): DetectionConfig {
  return DetectionConfigSchema.parse(input);
}

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = parseDetectionConfig({});

/**
 * Robust z-score thresholds, in residual standard deviations on the log1p scale. `single` flags one
 * day on its own (4 σ: about 3 in 100,000 Gaussian days); `persist` flags the `persistDays`-th day in
 * a row above it (three days ≥ 2.5 σ by chance: < 10⁻⁶). Chosen from tail probabilities, not fitted.
 */
export const SENSITIVITY_Z: Record<Sensitivity, { single: number; persist: number }> = {
  low: { single: 5, persist: 3 },
  medium: { single: 4, persist: 2.5 },
  high: { single: 3.5, persist: 2.2 },
};
