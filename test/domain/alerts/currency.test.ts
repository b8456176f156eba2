import { describe, expect, it } from "vitest";
import { parseAlertEvent } from "#domain/alerts/alert-event.js";
import { figures, headline } from "#domain/alerts/describe.js";
import { buildDigest } from "#domain/alerts/digest.js";
import { anomalyTransition } from "#domain/alerts/anomaly-transition.js";
import { anomalyInput, opened } from "./fixtures.js";

/** Amounts carry a currency code: alerts format them in it, digests never add across codes. */
describe("alert amounts and their currency", () => {
  it("formats an EUR anomaly in euros, to the cent, with the code on the event", () => {
    // Act
    const e = opened({ currency: "EUR", expected: "410", actual: "3394.075", impact: "2984.075" });

    // Assess
    expect(e.currency).toBe("EUR");
    expect(headline(e)).toMatch(/^Cost anomaly \+€2,984\.08 on /);
    expect(Object.fromEntries(figures(e))).toMatchObject({ Impact: "€2,984.08", Expected: "€410.00", Actual: "€3,394.08" });
  });

  it("reads an event queued with the old dollar-named fields as USD under today's names", () => {
    // Prepare: the shape events had before (impactUsd, expectedUsd, contributionUsd, forecastUsd).
    const today = opened();
    const { impact, expected, actual, currency: _c, rootCauses, forecast, ...rest } = today;
    const legacy = {
      ...rest,
      impactUsd: impact,
      expectedUsd: expected,
      actualUsd: actual,
      rootCauses: rootCauses.map(({ contribution, ...c }) => ({ ...c, contributionUsd: contribution })),
      forecast: { forecastUsd: forecast?.projected, budgetUsd: forecast?.budget, periodEnd: forecast?.periodEnd },
    };

    // Act
    const parsed = parseAlertEvent(legacy);

    // Assess
    expect(parsed).toEqual(today);
    expect(parsed.currency).toBe("USD");
  });

  it("sums a digest's impact per currency", () => {
    // Prepare
    const usd = opened({ anomalyId: "a-usd", impact: "10.5" });
    const eur1 = opened({ anomalyId: "a-eur1", impact: "2", currency: "EUR" });
    const eur2 = opened({ anomalyId: "a-eur2", impact: "3.25", currency: "EUR" });

    // Act
    const d = buildDigest("acme", "daily", new Date("2026-11-20T00:00:00Z"), new Date("2026-11-21T00:00:00Z"), [usd, eur1, eur2].map((event) => ({ event, deferred: false })));

    // Assess
    expect(d.totalImpact).toEqual([
      { currency: "EUR", impact: "5.25" },
      { currency: "USD", impact: "10.5" },
    ]);
    expect(d.items.map((i) => i.currency).sort()).toEqual(["EUR", "EUR", "USD"]);
  });

  it("acknowledges an anomaly stored with the old field names in USD", () => {
    // Prepare
    const input = anomalyInput();
    const doc = { where: input.where, end: input.date, severity: "high", impactUsd: "1840.25", expectedUsd: "410", actualUsd: "2250.25", rootCauses: [{ dimension: "region", value: "us-east-1", contributionUsd: "1840.25" }] };

    // Act
    const ev = anomalyTransition("acknowledged", { tenantId: "acme", anomalyId: "an-1", doc, by: "u1", dashboardUrl: "https://costs.example.com", now: new Date("2026-11-20T06:00:00Z") });

    // Assess
    expect(ev).toMatchObject({ type: "anomaly.acknowledged", impact: "1840.25", currency: "USD", rootCauses: [{ contribution: "1840.25" }] });
  });
});
