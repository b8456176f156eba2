import { z } from "zod";

/**
 * Per-tenant detection settings (DESIGN.md §7). Dollar gates mirror the AWS Cost Anomaly Detection
 * threshold expression: a flag needs the absolute impact OR the percentage impact to reach its
 * threshold, and never falls below `minImpactUsd`, whatever its statistical surprise.
 */
export const SENSITIVITIES = ["low", "medium", "high"] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export const DetectionConfigSchema = z
  .object({
    /** Hard floor: a day whose |actual − expected| is below this many USD is never flagged. */
    minImpactUsd: z.number().finite().nonnegative().default(1),
    /** A deviation at least this large (USD) is flagged even below `percentThreshold`. */
    impactThresholdUsd: z.number().finite().nonnegative().default(1000),
    /** Minimum relative change |actual − expected| / expected (0.2 = 20 %). */
    percentThreshold: z.number().finite().nonnegative().default(0.2),
    /** How surprising a day must be: see {@link SENSITIVITY_Z}. */
    sensitivity: z.enum(SENSITIVITIES).default("medium"),
    /** Severity bands on |impact| in USD (critical ≥ high ≥ medium; anything else is low). */
    severityUsd: z
      .object({
        critical: z.number().finite().nonnegative().default(1000),
        high: z.number().finite().nonnegative().default(100),
        medium: z.number().finite().nonnegative().default(10),
      })
      .default({ critical: 1000, high: 100, medium: 10 })
      .refine((s) => s.critical >= s.high && s.high >= s.medium, "severity bands must satisfy critical ≥ high ≥ medium"),
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
