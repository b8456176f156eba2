import { describe, expect, it } from "vitest";
import { DEFAULT_DETECTION_CONFIG, type SeverityBands, severityOf } from "#domain/analysis/anomaly/index.js";

const bands = DEFAULT_DETECTION_CONFIG.severityBands as SeverityBands; // critical 1000, high 100, medium 10

describe("severityOf", () => {
  it.each([
    [5000, 8, "critical"],
    [5000, 4.5, "high"],
    [5000, 20, "critical"],
    [500, 8, "high"],
    [500, 15, "critical"],
    [500, 4.2, "medium"],
    [50, 8, "medium"],
    [5, 8, "low"],
    [5, 4, "low"],
    [-5000, -8, "critical"],
  ])("impact %d with z %d is %s", (impact, z, expected) => {
    expect(severityOf(impact, z, bands)).toBe(expected);
  });

  // No bands: the series' currency has no thresholds and no rate converts the reporting currency's.
  it.each([
    [1_000_000, 4.5, "low"],
    [1_000_000, 8, "medium"],
    [0.5, 8, "medium"],
    [1_000_000, 20, "high"],
    [-3, -15, "high"],
  ])("without bands, impact %d with z %d is %s (surprise alone, never critical)", (impact, z, expected) => {
    expect(severityOf(impact, z, null)).toBe(expected);
  });
});
