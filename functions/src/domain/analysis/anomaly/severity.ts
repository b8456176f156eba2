import type { SeverityBands } from "./config.js";
import type { AnomalySeverity } from "./types.js";

const ORDER: readonly AnomalySeverity[] = ["low", "medium", "high", "critical"];

/**
 * Severity from impact and surprise: the |impact| band sets the level; a barely significant day
 * (|z| < 6) is one level lower, an extreme one (|z| ≥ 12) one level higher. So a 2,000 blip on a
 * noisy 50,000-a-day series is "high", a tenfold jump on a 150-a-day series is "high" (bands
 * 1000 / 100 / 10 in the series currency). Without bands (`null`: the series' currency has no
 * thresholds and no rate to convert the reporting currency's) the level starts at "medium", so the
 * surprise alone decides between low, medium and high, and nothing is critical.
 */
export function severityOf(impact: number, z: number, bands: SeverityBands | null): AnomalySeverity {
  const size = Math.abs(impact);
  let level = bands === null ? 1 : size >= bands.critical ? 3 : size >= bands.high ? 2 : size >= bands.medium ? 1 : 0;
  const surprise = Math.abs(z);
  if (surprise < 6) level--;
  else if (surprise >= 12) level++;
  return ORDER[Math.min(bands === null ? 2 : 3, Math.max(0, level))] as AnomalySeverity;
}
