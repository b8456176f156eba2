import type { DetectionConfig } from "./config.js";
import type { AnomalySeverity } from "./types.js";

const ORDER: readonly AnomalySeverity[] = ["low", "medium", "high", "critical"];

/**
 * Severity from dollar impact and surprise (issue 3): the |impact| band sets the level; a barely
 * significant day (|z| < 6) is one level lower, an extreme one (|z| ≥ 12) one level higher. So a
 * $2,000 blip on a noisy $50,000 series is "high", a tenfold jump on a $150/day series is "high".
 */
export function severityOf(impact: number, z: number, bands: DetectionConfig["severityUsd"]): AnomalySeverity {
  const size = Math.abs(impact);
  let level = size >= bands.critical ? 3 : size >= bands.high ? 2 : size >= bands.medium ? 1 : 0;
  const surprise = Math.abs(z);
  if (surprise < 6) level--;
  else if (surprise >= 12) level++;
  return ORDER[Math.min(3, Math.max(0, level))] as AnomalySeverity;
}
