import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "#cli/project-root.js";
import { lastCompleteMonth } from "#cli/report/report-backtest.js";
import { runCostmon } from "../support/run-costmon.js";
import { launchChromium } from "../support/chromium.js";

const require = createRequire(import.meta.url);
const SCREENSHOTS = projectPath(".tmp/screenshots");

interface NightlySummary {
  tenants: {
    tenantId: string;
    analysis: { asOf: string; anomalies: { end: string }[] } | null;
    recommendations?: { kept: number; savings: Record<string, string> };
  }[];
}

describe("HTML report in headless Chromium", () => {
  let dir: string;
  let browser: Browser;
  let nightly: NightlySummary;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "costmon-report-"));
    const run = await runCostmon("nightly", "--data-dir", join(dir, "data"), "--reports", join(dir, "nightly-reports"), "--quiet", "--json");
    expect(run.code).toBe(0);
    nightly = JSON.parse(run.stdout);
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the nightly writes one report per tenant and keeps --json stdout a single document", () => {
    for (const t of nightly.tenants) expect(existsSync(join(dir, "nightly-reports", `${t.tenantId}.html`))).toBe(true);
  });

  it("costmon report writes OUT/T.html with no external URL in any src or href", async () => {
    const out = join(dir, "out");
    const r = await runCostmon("report", "--tenant", "acme-retail", "--out", out, "--data-dir", join(dir, "data"));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, "acme-retail.html"));
    const html = readFileSync(join(out, "acme-retail.html"), "utf8");
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1] ?? "");
    expect(refs.filter((u) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(u))).toEqual([]);
    expect(html).not.toMatch(/<script[^>]+src=/i);
  });

  it("renders the charts with one series per provider and service and one marker per anomaly", async () => {
    let markersSeen = 0;
    for (const t of nightly.tenants) {
      const asOf = t.analysis?.asOf;
      expect(asOf).toBeDefined();
      // The expected series come from the ledger through the costs command, not from the page.
      const from = new Date(Date.parse(`${asOf}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
      const costs = await runCostmon("costs", "--tenant", t.tenantId, "--data-dir", join(dir, "data"), "--from", from, "--to", String(asOf), "--group-by", "provider,service", "--format", "json");
      const rows = JSON.parse(costs.stdout).rows as Record<string, string>[];
      // One daily chart per currency; the demo ledger is in USD, the tenant's reporting currency.
      const currencies = new Set(rows.map((r) => r.currency));
      const pairs = new Set(rows.filter((r) => r.currency === "USD").map((r) => `${r.provider}|${r.service}`));
      const anomalies = (t.analysis?.anomalies ?? []).filter((a) => a.end >= from && a.end <= String(asOf)).length;
      markersSeen += anomalies;

      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const external: string[] = [];
      await page.route(/^https?:/, (route) => {
        external.push(route.request().url());
        return route.abort();
      });
      await page.goto(pathToFileURL(join(dir, "nightly-reports", `${t.tenantId}.html`)).href);
      await page.waitForSelector("html[data-charts-ready=true]");
      const charts = await page.evaluate(() => {
        const ec = (window as unknown as { echarts: { getInstanceByDom(el: Element): { getOption(): { series: { type: string; name: string; data: unknown[] }[] } } | undefined } }).echarts;
        const of = (id: string) => {
          const el = document.getElementById(id);
          const inst = el ? ec.getInstanceByDom(el) : undefined;
          const canvas = el?.querySelector("canvas");
          return inst ? { series: inst.getOption().series.map((s) => ({ type: s.type, name: s.name, points: s.data.length })), canvasWidth: canvas?.width ?? 0 } : null;
        };
        return {
          dailyCharts: document.querySelectorAll('[id^="chart-daily-"]').length,
          daily: of("chart-daily-USD"),
          budgets: of("chart-budgets-USD"),
          forecast: of("chart-forecast-USD"),
          allocation: of("chart-allocation-USD"),
        };
      });
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
      expect(charts.dailyCharts).toBe(currencies.size);
      const daily = charts.daily;
      expect(daily).not.toBeNull();
      expect(daily?.canvasWidth).toBeGreaterThan(0);
      const bars = daily?.series.filter((s) => s.type === "bar") ?? [];
      expect(bars.length).toBe(pairs.size);
      expect(bars.every((s) => s.points === 90)).toBe(true);
      expect(daily?.series.find((s) => s.name === "anomalies")?.points).toBe(anomalies);
      expect(charts.budgets?.series.map((s) => s.name)).toEqual(["spent to date", "projected", "budget"]);
      expect(charts.forecast?.series.map((s) => s.type)).toEqual(["bar", "boxplot"]);
      expect(charts.allocation?.series[0]?.points).toBeGreaterThan(0);

      // Hovering a marker shows its impact and root causes in the tooltip.
      if (anomalies > 0) {
        const seriesIndex = (daily?.series.length ?? 0) - 1;
        await page.evaluate((i) => {
          const ec = (window as unknown as { echarts: { getInstanceByDom(el: Element): { dispatchAction(a: unknown): void } } }).echarts;
          ec.getInstanceByDom(document.getElementById("chart-daily-USD") as Element).dispatchAction({ type: "showTip", seriesIndex: i, dataIndex: 0 });
        }, seriesIndex);
        const tip = await page.locator("#chart-daily-USD div", { hasText: "impact" }).last().textContent();
        expect(tip).toMatch(/impact -?\$[\d,]+\.\d{2}/);
        expect(tip).toContain("root causes");
      }
      await page.screenshot({ path: join(SCREENSHOTS, `report-${t.tenantId}.png`), fullPage: true });

      await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
        return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact }));
      });
      expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
      await page.close();
    }
    // The demo injects anomalies; a report without a single marker would not test them.
    expect(markersSeen).toBeGreaterThan(0);
  });

  it("lists the open recommendations the nightly kept, with the same savings per currency", async () => {
    let listed = 0;
    for (const t of nightly.tenants) {
      const kept = t.recommendations?.kept ?? 0;
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(dir, "nightly-reports", `${t.tenantId}.html`)).href);
      const section = page.locator('section[aria-labelledby="recommendations-h"]');
      if (kept === 0) {
        await expect(section.count()).resolves.toBe(0);
      } else {
        listed++;
        await expect(section.locator("tbody tr").count()).resolves.toBe(Math.min(kept, 20));
        const text = (await section.locator("p").first().textContent()) ?? "";
        expect(text).toContain(`${kept} open`);
        // Each currency's sum, as the nightly printed it, in the report's en-US formatting.
        for (const [currency, amount] of Object.entries(t.recommendations?.savings ?? {})) {
          expect(text).toContain(new Intl.NumberFormat("en-US", { style: "currency", currency }).format(Number(amount)));
        }
      }
      await page.close();
    }
    // The demo accounts come with recommendations: the section is really exercised.
    expect(listed).toBeGreaterThan(0);
  });

  it("shows forecast against actual for the last complete month, its actual equal to the costs command's", async () => {
    let tables = 0;
    for (const t of nightly.tenants) {
      const month = lastCompleteMonth(String(t.analysis?.asOf));
      const costs = await runCostmon("costs", "--tenant", t.tenantId, "--data-dir", join(dir, "data"), "--from", month.start, "--to", month.end, "--format", "json");
      const totals = JSON.parse(costs.stdout).totals as { currency: string; billedCost: string }[];
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(dir, "nightly-reports", `${t.tenantId}.html`)).href);
      await expect(page.locator("#backtest-h").textContent()).resolves.toContain("last complete month");
      if ((await page.locator("#backtest-table-USD").count()) > 0) {
        tables++;
        const cell = (label: string) => page.locator("#backtest-table-USD tr", { hasText: label }).first().locator("td").textContent();
        await expect(cell("Month")).resolves.toBe(month.start.slice(0, 7));
        // The report's currency is the tenant's (USD for the demo tenants); the amount is the ledger's, to the cent.
        const usd = totals.find((x) => x.currency === "USD");
        const actual = (await cell("Actual")) ?? "";
        expect(Number(actual.replace(/[^\d.-]/g, ""))).toBeCloseTo(Number(usd?.billedCost ?? "NaN"), 2);
        await expect(cell("share of actual")).resolves.toMatch(/^\d[\d,.]*\s?%$/);
      }
      await page.close();
    }
    // The demo ledger holds months of history: at least one tenant has a scored month.
    expect(tables).toBeGreaterThan(0);
  });
});
