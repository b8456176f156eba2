import { describe, expect, it } from "vitest";
import type { ReportData } from "#cli/report/report-data.js";
import { renderReportHtml } from "#cli/report/report-html.js";

const base = (over: Partial<ReportData> = {}): ReportData => ({
  tenantId: "t1",
  tenantName: "Tenant </script><b>One",
  currency: "EUR",
  locale: "de-DE",
  asOf: "2026-11-19",
  budgets: [{ name: "monthly", periodKey: "2026-11", scope: "all costs", amount: "1000.00", actual: "1234.5", projected: "2000", state: "breached" }],
  forecasts: [],
  daily: { dates: ["2026-11-19"], series: [{ provider: "gcp", service: "BigQuery", values: ["1234.5"] }], totals: ["1234.5"] },
  otherCurrencies: [{ currency: "USD", billedCost: "10.25" }],
  anomalies: [
    { id: "a1", start: "2026-11-18", end: "2026-11-19", direction: "increase", impact: "99.999", severity: "high", status: "open", where: "gcp · p · BigQuery", rootCauses: [{ dimension: "region", value: "US", contribution: "80" }] },
  ],
  allocation: { tagKey: "team", slices: [{ value: null, cost: "1234.5" }] },
  llmUsage: [],
  backtest: null,
  recommendations: { open: 0, top: [], monthlySavings: [] },
  ...over,
});

describe("renderReportHtml", () => {
  it("formats amounts in the tenant's currency and locale, exactly", () => {
    const html = renderReportHtml(base());
    expect(html).toContain("99,999\u00a0€");
    expect(html).toContain("1.234,50\u00a0€");
    // Another currency is named apart, in its own currency, not added to the tenant's.
    expect(html).toContain("10,25\u00a0$");
  });

  it("escapes tenant text so that it cannot close a script or inject markup", () => {
    const html = renderReportHtml(base());
    expect(html).not.toContain("</script><b>One");
    expect(html).toContain("Tenant &#60;/script&#62;&#60;b&#62;One");
  });

  it("shows the LLM section only when usage exists, and untagged spend in the allocation", () => {
    expect(renderReportHtml(base())).not.toContain('id="llm-h"');
    expect(renderReportHtml(base({ llmUsage: [{ id: "d1", costUsd: "3" }] }))).toContain('id="llm-h"');
    expect(renderReportHtml(base())).toMatch(/Untagged: 1\.234,50\u00a0€ \(100\s?%\)/);
  });

  it("shows the backtest's month, actual and error in the tenant's currency, or says why it is missing", () => {
    const html = renderReportHtml(base({ backtest: { month: "2026-10", actual: "1240", absError: "930.5", errorShare: 0.75, days: 31, inside80: 3, inside95: 9 } }));
    expect(html).toContain('id="backtest-h"');
    expect(html).toContain("1.240,00\u00a0€");
    expect(html).toContain("930,50\u00a0€");
    expect(html).toMatch(/75\s?%/);
    expect(html).toContain("3 of 31");
    expect(renderReportHtml(base())).toContain("Not enough history before the last complete month");
  });

  it("lists open recommendations only when some exist, savings in each one's currency and summed per currency, names escaped", () => {
    expect(renderReportHtml(base())).not.toContain('id="recommendations-h"');
    const rec = (resource: string, savings: string, currency: string, score: number) => ({ provider: "aws", category: "idle", action: "delete", resource, description: "", savings, currency, effort: "low", risk: "low", score, state: "active" });
    const html = renderReportHtml(
      base({ recommendations: { open: 3, top: [rec("vol-<img src=x>", "12.5", "USD", 80), rec("disk-1", "7", "EUR", 60)], monthlySavings: [{ currency: "EUR", amount: "7" }, { currency: "USD", amount: "20.5" }] } }),
    );
    expect(html).toContain('id="recommendations-h"');
    expect(html).toContain("3 open, estimated by the providers to save 7,00\u00a0€, 20,50\u00a0$ a month. The 2 with the highest score are listed.");
    expect(html).toContain("12,50\u00a0$");
    expect(html).not.toContain("<img src=x>");
    expect(html).toContain("vol-&#60;img src=x&#62;");
  });

  it("loads no external resource", () => {
    const html = renderReportHtml(base());
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1] ?? "");
    expect(refs.filter((u) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(u))).toEqual([]);
  });
});
