import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { generateAccountLines, historyStart } from "#adapters/demo/history-generator.js";
import { repoRoot } from "../../support/shared-data.js";

const cfg = await loadDemoConfig(join(repoRoot, "config/demo/tenants.yaml"));
const tenant = (id: string) => cfg.tenants.find((t) => t.id === id)!;
const account = (tid: string, aid: string) => tenant(tid).accounts.find((a) => a.id === aid)!;

describe("demo history generator", () => {
  it("describes at least 3 tenants with GCP, AWS and Azure accounts and budgets", () => {
    expect(cfg.tenants.length).toBeGreaterThanOrEqual(3);
    const providers = new Set(cfg.tenants.flatMap((t) => t.accounts.map((a) => a.provider)));
    expect([...providers].sort()).toEqual(["aws", "azure", "gcp"]);
    expect(cfg.tenants.every((t) => t.budgets.length > 0)).toBe(true);
  });

  it("is deterministic and independent of the window asked for", () => {
    const acc = account("acme-retail", "acme-gcp-prod");
    const whole = generateAccountLines(cfg, tenant("acme-retail"), acc, "2026-10-01", "2026-10-31");
    const again = generateAccountLines(cfg, tenant("acme-retail"), acc, "2026-10-01", "2026-10-31");
    const part = generateAccountLines(cfg, tenant("acme-retail"), acc, "2026-10-10", "2026-10-12");
    expect(again).toEqual(whole);
    expect(part).toEqual(whole.filter((l) => l.date >= "2026-10-10" && l.date <= "2026-10-12"));
  });

  it("starts the history 13 months before the simulated today", () => {
    expect(historyStart(cfg.today, cfg.history_months)).toBe("2025-10-01");
    const acc = account("acme-retail", "acme-aws-prod");
    expect(generateAccountLines(cfg, tenant("acme-retail"), acc, "2025-09-01", "2025-10-01").every((l) => l.date === "2025-10-01")).toBe(true);
  });

  it("charges the support fee on the 1st only, and keeps GCP credits as Credit rows", () => {
    const aws = generateAccountLines(cfg, tenant("acme-retail"), account("acme-retail", "acme-aws-prod"), "2026-09-01", "2026-09-30");
    const support = aws.filter((l) => l.service.name.startsWith("AWS Support"));
    expect(Number(support.find((l) => l.date === "2026-09-01")!.billedCost)).toBeGreaterThan(1400);
    expect(support.filter((l) => l.date !== "2026-09-01").every((l) => Number(l.billedCost) < 1)).toBe(true);
    const gcp = generateAccountLines(cfg, tenant("acme-retail"), account("acme-retail", "acme-gcp-prod"), "2026-09-01", "2026-09-02");
    const credits = gcp.filter((l) => l.chargeCategory === "Credit");
    expect(credits.map((c) => c.date)).toEqual(["2026-09-01"]);
    expect(Number(credits[0]!.billedCost)).toBeLessThan(0);
  });

  it("puts the weekday pattern in workday services and the injected spike on its day", () => {
    const t = tenant("acme-retail");
    const lines = generateAccountLines(cfg, t, account("acme-retail", "acme-gcp-prod"), "2026-10-01", "2026-11-19");
    const bq = lines.filter((l) => l.service.name === "BigQuery" && l.chargeCategory === "Usage");
    const cost = (d: string) => Number(bq.find((l) => l.date === d)!.billedCost);
    expect(cost("2026-11-04")).toBeGreaterThan(cost("2026-11-08") * 1.5); // Wednesday vs Sunday
    expect(cost("2026-11-18")).toBeGreaterThan(cost("2026-11-11") * 3); // the spike, 2 days before today
  });

  it("writes money as exact decimal strings", () => {
    const lines = generateAccountLines(cfg, tenant("initech"), account("initech", "initech-aws-dev"), "2026-11-01", "2026-11-03");
    expect(lines.every((l) => /^-?\d+\.\d{6}$/.test(l.billedCost))).toBe(true);
  });
});
