import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { runLocalNightly } from "#cli/commands/nightly.js";
import type { NightlyResult } from "#cli/nightly/run-nightly.js";
import { createProgress } from "#cli/progress.js";
import { closeDeps, getDeps } from "../../functions/src/deps.js";
import { repoRoot } from "../support/shared-data.js";

const tenantsFile = join(repoRoot, "config/demo/tenants.yaml");
const cfg = await loadDemoConfig(tenantsFile);
const progress = createProgress({ quiet: true });

/** The nightly as `costmon nightly` runs it: the deployed event functions on the local runtime. */
async function nightly(dataDir: string, runDate: string) {
  try {
    const result = await runLocalNightly({ config: tenantsFile, dataDir, date: runDate, configDir: join(repoRoot, "config") }, progress);
    const d = await getDeps();
    const totals = Object.fromEntries(await Promise.all(cfg.tenants.map(async (t) => [t.id, await d.warehouse.totals(t.id)] as const)));
    const deliveries = (await d.documents.list("alert_deliveries")).docs.length;
    return { result, totals, deliveries };
  } finally {
    await closeDeps();
  }
}

describe("npm run nightly on the embedded default", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nightly-"));
  let first: Awaited<ReturnType<typeof nightly>>;
  let second: Awaited<ReturnType<typeof nightly>>;

  beforeAll(async () => {
    first = await nightly(dataDir, cfg.today);
    second = await nightly(dataDir, cfg.today);
  }, 180_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const tenant = (r: NightlyResult, id: string) => r.tenants.find((t) => t.tenantId === id)!;

  it("backfills 13 months for every demo tenant and analyzes each", () => {
    expect(first.result.tenants.map((t) => t.tenantId).sort()).toEqual(cfg.tenants.map((t) => t.id).sort());
    for (const t of first.result.tenants) {
      expect(t.failedPages).toBe(0);
      expect(t.pages).toBe(14 * cfg.tenants.find((c) => c.id === t.tenantId)!.accounts.length);
      expect(t.inserted).toBeGreaterThan(1000);
      expect(t.analysis).not.toBeNull();
      expect(first.totals[t.tenantId]!.rows).toBe(t.inserted);
    }
  });

  it("finds the injected spike with its dollar impact and root cause", () => {
    const acme = tenant(first.result, "acme-retail").analysis!;
    const spike = acme.anomalies.find((a) => a.seriesKey === "gcp|acme-shop-prod|BigQuery");
    expect(spike?.direction).toBe("increase");
    expect(spike?.start).toBe("2026-11-18");
    expect(Number(spike?.impact)).toBeGreaterThan(500);
  });

  it("reports the budget breach and a month-end forecast", () => {
    const initech = tenant(first.result, "initech").analysis!;
    const monthly = initech.budgets.find((b) => b.budgetId === "initech-monthly")!;
    expect(monthly.projectedPercent).toBeGreaterThan(100);
    expect(monthly.newCrossings).toContain("forecast:100");
    expect(initech.forecasts.find((f) => f.seriesKey === "total")).toBeDefined();
  });

  it("sends alerts on the first run", () => {
    const sent = first.result.tenants.reduce((s, t) => s + t.alerts.total.sent, 0);
    expect(sent).toBeGreaterThan(0);
    expect(first.deliveries).toBeGreaterThan(0);
  });

  it("changes nothing when the same day runs again: same rows and totals, no new alert", () => {
    expect(second.totals).toEqual(first.totals);
    for (const t of second.result.tenants) {
      expect(t.inserted).toBe(0);
      expect(t.updated).toBe(0);
      expect(t.deleted).toBe(0);
      expect(t.alerts.total.sent).toBe(0);
    }
    expect(second.deliveries).toBe(first.deliveries);
  });

  it("syncs every tenant's recommendations after the run: one action per resource, savings per currency", () => {
    // The demo figures of docs/recommendations.md: four per demo account, one resize-versus-stop conflict each.
    const recs = Object.fromEntries(first.result.tenants.map((t) => [t.tenantId, t.recommendations]));
    expect(Object.values(recs).map((r) => [r?.found, r?.kept, r?.conflicts, r?.failedAccounts])).toEqual([
      [12, 9, 3, 0],
      [8, 6, 2, 0],
      [8, 6, 2, 0],
    ]);
    expect(Object.fromEntries(Object.entries(recs).map(([t, r]) => [t, r?.savings]))).toEqual({
      "acme-retail": { USD: "1051.54" },
      "globex-ml": { USD: "708.92" },
      initech: { USD: "787.22" },
    });
    // Nothing was marked succeeded in the demo, so nothing is measured; a second run stores the same.
    expect(Object.values(recs).every((r) => r?.realized.length === 0 && r.top.length === 3)).toBe(true);
    expect(second.result.tenants.map((t) => t.recommendations)).toEqual(first.result.tenants.map((t) => t.recommendations));
  });
});
