import { describe, expect, it } from "vitest";
import { detectSeries, parseTenantDetectionSettings, resolveThresholds } from "#domain/analysis/anomaly/index.js";
import type { RateTable } from "#domain/billing/currency-conversion.js";
import { makeSeries, scale } from "./synthetic-series.js";

/** ECB-style table: units of each currency per euro (the ECB reference rate of 2 Sep 2024 for USD and JPY). */
const ECB: RateTable = { base: "EUR", source: "ECB euro reference rates", days: { "2024-09-02": { USD: "1.1059", JPY: "161.53" } } };

describe("parseTenantDetectionSettings", () => {
  it("reads the legacy dollar fields as USD amounts", () => {
    expect(parseTenantDetectionSettings({ minImpactUsd: 50, impactThresholdUsd: 2500.5, minChangePct: 20 })).toEqual({
      minChangePct: 20,
      thresholds: { USD: { minImpact: "50", impactThreshold: "2500.5" } },
    });
  });

  it("lets a thresholds.USD value written since win over the legacy field, and keeps other currencies", () => {
    const s = parseTenantDetectionSettings({ minImpactUsd: 50, thresholds: { USD: { minImpact: "75" }, EUR: { minImpact: "40" } } });
    expect(s.thresholds).toEqual({ USD: { minImpact: "75" }, EUR: { minImpact: "40" } });
  });

  it("reads an absent map as no settings", () => {
    expect(parseTenantDetectionSettings(undefined)).toEqual({});
  });

  it.each([
    ["a negative amount", { thresholds: { EUR: { minImpact: "-1" } } }, /not negative/],
    ["a float amount", { thresholds: { EUR: { minImpact: 40 } } }, /thresholds/],
    ["a lower-case currency", { thresholds: { eur: { minImpact: "1" } } }, /thresholds\.eur/],
    ["bands out of order", { thresholds: { EUR: { severityBands: { critical: "10", high: "100", medium: "1" } } } }, /critical ≥ high ≥ medium/],
    ["an unknown key", { minImpactEur: 5 }, /minImpactEur/],
    ["a negative legacy amount", { minImpactUsd: -5 }, /not negative/],
    ["51 currencies", { thresholds: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`C${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`, { minImpact: "1" }])) }, /at most 50/],
  ])("refuses %s with a clear error", (_name, input, message) => {
    expect(() => parseTenantDetectionSettings(input)).toThrow(RangeError);
    expect(() => parseTenantDetectionSettings(input)).toThrow(message);
  });
});

describe("resolveThresholds", () => {
  const day = "2024-09-03"; // a Tuesday: the Monday rate is one day old

  it("uses the tenant's own amounts in the series' currency", () => {
    const r = resolveThresholds(
      parseTenantDetectionSettings({ minChangePct: 30, sensitivity: "high", thresholds: { EUR: { minImpact: "40", impactThreshold: "900", severityBands: { critical: "900", high: "90", medium: "9" } } } }),
      "EUR",
      { reporting: "USD", rates: ECB, day },
    );
    expect(r.config).toEqual({ minImpact: 40, impactThreshold: 900, severityBands: { critical: 900, high: 90, medium: 9 }, percentThreshold: 0.3, sensitivity: "high" });
    expect(r.sources).toEqual({ minImpact: "configured", impactThreshold: "configured", severityBands: "configured" });
    expect(r.rate).toBeUndefined();
  });

  it("uses the built-in defaults as they are for a series in the reporting currency", () => {
    const r = resolveThresholds({}, "EUR", { reporting: "EUR", day });
    expect(r.config).toEqual({ minImpact: 1, impactThreshold: 1000, severityBands: { critical: 1000, high: 100, medium: 10 } });
    expect(r.sources).toEqual({ minImpact: "default", impactThreshold: "default", severityBands: "default" });
  });

  it("converts the reporting currency's amounts at the dated rate, and records the rate", () => {
    // 50 USD in EUR at 1 / 1.1059 = 0.904240889773 (12 places, as costs --convert rounds rates).
    const r = resolveThresholds(parseTenantDetectionSettings({ minImpactUsd: 50 }), "EUR", { reporting: "USD", rates: ECB, day });
    expect(r.config.minImpact).toBe(45.21204448865);
    expect(r.config.impactThreshold).toBe(904.240889773); // the default 1000, in the reporting currency
    expect(r.config.severityBands).toEqual({ critical: 904.240889773, high: 90.4240889773, medium: 9.04240889773 });
    expect(r.sources).toEqual({ minImpact: "converted", impactThreshold: "converted", severityBands: "converted" });
    expect(r.rate).toEqual({ from: "USD", to: "EUR", day, rateDay: "2024-09-02", rate: "0.904240889773", source: "ECB euro reference rates" });
  });

  it("mixes sources field by field: the series currency's own first, the rest converted", () => {
    const r = resolveThresholds(parseTenantDetectionSettings({ thresholds: { JPY: { minImpact: "5000" }, USD: { impactThreshold: "2000" } } }), "JPY", {
      reporting: "USD",
      rates: ECB,
      day,
    });
    // USD→JPY through the euro: 161.53 / 1.1059 = 146.062030925038.
    expect(r.config.minImpact).toBe(5000);
    expect(r.config.impactThreshold).toBeCloseTo(292_124.061850076, 6);
    expect(r.sources).toEqual({ minImpact: "configured", impactThreshold: "converted", severityBands: "converted" });
    expect(r.rate?.rate).toBe("146.062030925038");
  });

  it("without a rate, never takes another currency's amount at face value: no floor, no size-only flag, no bands", () => {
    const settings = parseTenantDetectionSettings({ minImpactUsd: 50, minChangePct: 25 });
    const noTable = resolveThresholds(settings, "JPY", { reporting: "USD", day });
    const stale = resolveThresholds(settings, "JPY", { reporting: "USD", rates: ECB, day: "2024-09-10" }); // 8 days after the last row
    for (const r of [noTable, stale]) {
      expect(r.config).toEqual({ minImpact: 0, impactThreshold: null, severityBands: null, percentThreshold: 0.25 });
      expect(r.sources).toEqual({ minImpact: "none", impactThreshold: "none", severityBands: "none" });
      expect(r.rate).toBeUndefined();
    }
  });

  it("judges a JPY series with the USD floor converted, where the dollar figure taken as yen would flag", () => {
    // A ¥10,000/day series (about $68) with one day ¥3,000 higher (about $20): below a $50 floor.
    const points = scale(makeSeries({ base: 10_000, sigma: 0.03 }), 200, 200, 1.3);
    const settings = parseTenantDetectionSettings({ minImpactUsd: 50 });
    const converted = resolveThresholds(settings, "JPY", { reporting: "USD", rates: { ...ECB, days: { [points[200]!.date]: ECB.days["2024-09-02"]! } }, day: points[200]!.date });

    const withRate = detectSeries(points, converted.config).filter((f) => f.date === points[200]!.date);
    const atFaceValue = detectSeries(points, { minImpact: 50 }).filter((f) => f.date === points[200]!.date);
    const withoutRate = detectSeries(points, resolveThresholds(settings, "JPY", { reporting: "USD", day: points[200]!.date }).config).filter((f) => f.date === points[200]!.date);

    expect(converted.config.minImpact).toBeCloseTo(7303.10154625, 6); // $50 ≈ ¥7,303
    expect(withRate).toEqual([]);
    expect(atFaceValue).toHaveLength(1);
    // No rate: the 30 % change passes the percentage gate, and severity comes from the surprise alone.
    expect(withoutRate).toHaveLength(1);
    expect(withoutRate[0]!.severity).not.toBe("critical");
  });
});
