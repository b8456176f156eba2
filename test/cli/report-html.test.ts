import { describe, expect, it } from "vitest";
import type { ReportData } from "#cli/report/report-data.js";
import { renderReportHtml } from "#cli/report/report-html.js";

const base = (over: Partial<ReportData> = {}): ReportData => ({
  tenantId: "t1",
  tenantName: "Tenant </script><b>One",
  currency: "EUR",
  locale: "de-DE",
  asOf: "2026-11-19",
  budgets: [{ name: "monthly", periodKey: "2026-11", scope: "all costs", amount: "1000.00", actual: "1234.5", projected: "2000", state: "breached", currency: "EUR" }],
  forecasts: [],
  daily: {
    dates: ["2026-11-19"],
    byCurrency: [
      { currency: "EUR", series: [{ provider: "gcp", service: "BigQuery", values: ["1234.5"] }], totals: ["1234.5"] },
      { currency: "USD", series: [{ provider: "aws", service: "Amazon EC2", values: ["10.25"] }], totals: ["10.25"] },
    ],
  },
  anomalies: [
    { id: "a1", start: "2026-11-18", end: "2026-11-19", direction: "increase", impact: "99.999", currency: "EUR", severity: "high", status: "open", where: "gcp · p · BigQuery", rootCauses: [{ dimension: "region", value: "US", contribution: "80" }] },
  ],
  allocation: { tagKey: "team", byCurrency: [{ currency: "EUR", slices: [{ value: null, cost: "1234.5" }] }] },
  llmUsage: [],
  backtests: [],
  recommendations: { open: 0, top: [], monthlySavings: [] },
  ...over,
});

describe("renderReportHtml", () => {
  it("formats amounts in the tenant's currency and locale, exactly", () => {
    const html = renderReportHtml(base());
    expect(html).toContain("99,999\u00a0€");
    expect(html).toContain("1.234,50\u00a0€");
  });

  it("draws one daily chart per currency, each with its own series and totals, never one sum across currencies", () => {
    // Prepare: a USD anomaly beside the EUR one.
    const usdAnomaly = { id: "a2", start: "2026-11-19", end: "2026-11-19", direction: "increase", impact: "5", currency: "USD", severity: "low", status: "open", where: "aws · 1 · Amazon EC2", rootCauses: [{ dimension: "region", value: "us-east-1", contribution: "5" }] };
    const d = base();

    // Act
    const html = renderReportHtml({ ...d, anomalies: [...d.anomalies, usdAnomaly] });
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? "null") as {
      daily: { id: string; currency: string; totals: string[]; series: { service: string }[]; markers: { impact: string; rootCauses: string[] }[] }[];
    };

    // Assess: one chart element and one data set per currency, the tenant's first.
    expect(html).toContain('id="chart-daily-EUR"');
    expect(html).toContain('id="chart-daily-USD"');
    expect(html).toContain("One chart per billing currency");
    expect(data.daily.map((c) => [c.id, c.currency, c.totals, c.series.map((x) => x.service)])).toEqual([
      ["chart-daily-EUR", "EUR", ["1234.5"], ["BigQuery"]],
      ["chart-daily-USD", "USD", ["10.25"], ["Amazon EC2"]],
    ]);
    expect(html).not.toContain("1244.75");
    // Each anomaly is marked on its own currency's chart, and written in its own currency.
    expect(data.daily[0]!.markers.map((m) => m.impact)).toEqual(["99,999\u00a0€"]);
    expect(data.daily[1]!.markers).toEqual([{ date: "2026-11-19", impact: "5,00\u00a0$", direction: "increase", where: "aws · 1 · Amazon EC2", window: "2026-11-19", rootCauses: ["region us-east-1: 5,00\u00a0$"] }]);
    expect(html).toContain('<td class="num">5,00\u00a0$</td>');
  });

  it("draws budgets and month-end forecasts per currency, each in its own", () => {
    const fc = (label: string, currency: string, projected: string) => ({ label, provider: null, currency, actualToDate: "1", projected, lower80: "1", upper80: "2", lower95: "1", upper95: "3" });
    const html = renderReportHtml(
      base({
        budgets: [...base().budgets, { name: "us", periodKey: "2026-11", scope: "provider aws", amount: "500", actual: "20", projected: "40", state: "on_track", currency: "USD" }],
        forecasts: [fc("all costs", "EUR", "3000"), fc("all costs", "USD", "60")],
      }),
    );
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? "null") as {
      budgets: { id: string; items: { name: string; fmt: { amount: string } }[] }[];
      forecasts: { id: string; items: { fmt: { projected: string } }[] }[];
    };
    expect(data.budgets.map((c) => [c.id, c.items.map((b) => `${b.name}: ${b.fmt.amount}`)])).toEqual([
      ["chart-budgets-EUR", ["monthly: 1.000,00\u00a0€"]],
      ["chart-budgets-USD", ["us: 500,00\u00a0$"]],
    ]);
    expect(data.forecasts.map((c) => [c.id, c.items.map((f) => f.fmt.projected)])).toEqual([
      ["chart-forecast-EUR", ["3.000,00\u00a0€"]],
      ["chart-forecast-USD", ["60,00\u00a0$"]],
    ]);
    expect(html).toContain('id="chart-budgets-USD"');
    expect(html).toContain('id="chart-forecast-USD"');
  });

  it("draws one chart and no currency note when the ledger holds one currency", () => {
    const d = base();
    const html = renderReportHtml({ ...d, daily: { dates: d.daily.dates, byCurrency: d.daily.byCurrency.slice(0, 1) } });
    expect(html).toContain('id="chart-daily-EUR"');
    expect(html).not.toContain('id="chart-daily-USD"');
    expect(html).not.toContain("One chart per billing currency");
    expect(renderReportHtml({ ...d, daily: { dates: d.daily.dates, byCurrency: [] } })).toContain("No cost in the last 1 days.");
  });

  it("splits the allocation by currency: each pie and its untagged share in one currency", () => {
    const html = renderReportHtml(
      base({
        allocation: {
          tagKey: "team",
          byCurrency: [
            { currency: "EUR", slices: [{ value: "web", cost: "300" }, { value: null, cost: "100" }] },
            { currency: "USD", slices: [{ value: "ml", cost: "50" }] },
          ],
        },
      }),
    );
    expect(html).toContain('id="chart-allocation-EUR"');
    expect(html).toContain('id="chart-allocation-USD"');
    expect(html).toMatch(/Untagged: 100,00\u00a0€ \(25\s?%\)\./);
    expect(html).toContain("Untagged: none.");
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
    const html = renderReportHtml(base({ backtests: [{ currency: "EUR", month: "2026-10", actual: "1240", absError: "930.5", errorShare: 0.75, days: 31, inside80: 3, inside95: 9 }] }));
    expect(html).toContain('id="backtest-h"');
    expect(html).toContain('id="backtest-table-EUR"');
    expect(html).toContain("1.240,00\u00a0€");
    expect(html).toContain("930,50\u00a0€");
    expect(html).toMatch(/75\s?%/);
    expect(html).toContain("3 of 31");
    const section = html.slice(html.indexOf('id="backtest-h"'), html.indexOf("</section>", html.indexOf('id="backtest-h"')));
    expect(section).not.toContain("<h3>"); // one currency: no per-currency headings
    expect(renderReportHtml(base())).toContain("Not enough history before the last complete month");
  });

  it("shows one backtest table per currency, each in its own currency", () => {
    const bt = (currency: string, actual: string) => ({ currency, month: "2026-10", actual, absError: "1", errorShare: 0.01, days: 31, inside80: 25, inside95: 30 });
    const html = renderReportHtml(base({ backtests: [bt("EUR", "1240"), bt("USD", "99.5")] }));
    const eur = html.slice(html.indexOf('id="backtest-table-EUR"'), html.indexOf('id="backtest-table-USD"'));
    const usd = html.slice(html.indexOf('id="backtest-table-USD"'));
    expect(eur).toContain("1.240,00\u00a0€");
    expect(usd.slice(0, usd.indexOf("</table>"))).toContain("99,50\u00a0$");
    const section = html.slice(html.indexOf('id="backtest-h"'), html.indexOf("</section>", html.indexOf('id="backtest-h"')));
    expect(section).toContain("<h3>In EUR</h3>");
    expect(section).toContain("<h3>In USD</h3>");
    expect(html.indexOf("backtest-table-EUR")).toBeLessThan(html.indexOf("backtest-table-USD"));
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
