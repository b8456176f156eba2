import { type DetectionConfig, SENSITIVITY_Z } from "./config.js";
import { AnomalyScanner, type FlagSink } from "./scanner.js";

/** Scanner settings for a tenant configuration (thresholds documented in config.ts / scanner.ts). */
export function createScanner(cfg: DetectionConfig): AnomalyScanner {
  const z = SENSITIVITY_Z[cfg.sensitivity];
  return new AnomalyScanner({
    zSingle: z.single,
    zPersist: z.persist,
    persistDays: 3,
    zConfirm: 2,
    confirmDays: 7,
    minImpact: cfg.minImpact,
    impactThreshold: cfg.impactThreshold ?? Number.POSITIVE_INFINITY,
    percentThreshold: cfg.percentThreshold,
  });
}

export type { FlagSink };

export const roundCents = (x: number): number => Math.round(x * 100) / 100;
