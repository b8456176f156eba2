import { describe, expect, it } from "vitest";
import type { TenantRunSummary } from "#cli/nightly/run-nightly.js";
import { formatSummary } from "#cli/nightly/summary.js";
import { emptyReport } from "#domain/alerts/dispatch-report.js";

const NBSP = "\u00a0";

function tenant(locale?: string): TenantRunSummary {
  return {
    tenantId: "acme",
    pages: 1,
    records: 10,
    inserted: 10,
    updated: 0,
    deleted: 0,
    failedPages: 0,
    alerts: emptyReport(),
    analysis: {
      tenantId: "acme",
      asOf: "2026-11-19",
      anomalies: [{ id: "a1", seriesKey: "gcp|p1|Compute Engine", start: "2026-11-18", end: "2026-11-18", direction: "increase", impact: "1234.56", currency: "EUR", view: "billed", severity: "high", status: "open" }],
      forecasts: [{ seriesKey: "total", currency: "EUR", actualToDate: "20000", projected: "31000.5", lower80: "30000", upper80: "32000", lower95: "29000", upper95: "33000" }],
      budgets: [],
      alertEvents: 1,
    },
    ...(locale ? { locale } : {}),
  };
}

describe("the nightly summary in the tenant's locale", () => {
  it("writes a de-DE tenant's amounts as Intl does for de-DE", () => {
    const text = formatSummary({ runDate: "2026-11-20", tenants: [tenant("de-DE")] });
    expect(text).toContain(`high     +1.234,56${NBSP}€  gcp|p1|Compute Engine  2026-11-18  [open]`);
    expect(text).toContain(`month end  31.000,50${NBSP}€ projected (80%: 30.000,00${NBSP}€–32.000,00${NBSP}€), 20.000,00${NBSP}€ to date`);
  });

  it("writes en-US for a tenant without a locale", () => {
    const text = formatSummary({ runDate: "2026-11-20", tenants: [tenant()] });
    expect(text).toContain("+€1,234.56  gcp|p1|Compute Engine");
    expect(text).toContain("month end  €31,000.50 projected");
  });
});
