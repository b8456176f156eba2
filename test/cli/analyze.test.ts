import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCostmon } from "../support/run-costmon.js";
import { addDays } from "#kernel/days.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { repoRoot } from "../support/shared-data.js";

const costmon = runCostmon;

const HEADER = "BilledCost,BillingAccountId,BillingCurrency,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,EffectiveCost,ListCost,ProviderName,ServiceName,SubAccountId,RegionId";

/** A FOCUS export of one EC2 series: 100 a day from 2026-08-01, and 900 on its last day (2026-11-08). */
function spikeCsv(currency = "USD"): string {
  const lines = [HEADER];
  for (let i = 0; i < 100; i++) {
    const day = addDays("2026-08-01", i);
    const cost = i < 99 ? "100.00" : "900.00";
    lines.push(`${cost},ba1,${currency},Usage,${day} 00:00:00,${addDays(day, 1)} 00:00:00,${cost},${cost},AWS,Amazon EC2,acct-1,us-east-1`);
  }
  return `${lines.join("\n")}\n`;
}

interface AnalyzeJson {
  asOf: string;
  currency: string | null;
  anomalies: { seriesKey: string; start: string; end: string; direction: string }[];
  forecasts: { seriesKey: string; actualToDate: string }[];
  wouldAlert: { type: string; severity: string; headline: string }[];
}

describe("costmon analyze on imported data", () => {
  const dir = mkdtempSync(join(tmpdir(), "analyze-"));
  const dataDir = join(dir, "data");

  beforeAll(async () => {
    writeFileSync(join(dir, "spike.csv"), spikeCsv());
    // Another billing account, billed in EUR: an import replaces only the billing accounts it holds.
    writeFileSync(join(dir, "spike-eur.csv"), spikeCsv("EUR").replaceAll("Amazon EC2", "Amazon S3").replaceAll(",ba1,", ",ba-eur,"));
    expect((await costmon("import", "--format", "focus", "--file", join(dir, "spike.csv"), "--tenant", "spike", "--data-dir", dataDir)).code).toBe(0);
    expect((await costmon("import", "--format", "focus", "--file", join(dir, "spike.csv"), "--tenant", "two-currencies", "--data-dir", dataDir)).code).toBe(0);
    expect((await costmon("import", "--format", "focus", "--file", join(dir, "spike-eur.csv"), "--tenant", "two-currencies", "--data-dir", dataDir)).code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the spike on the ledger's last day, with the forecast, and lists the alert it would raise", async () => {
    const r = await costmon("analyze", "--tenant", "spike", "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as AnalyzeJson;
    expect(a.asOf).toBe("2026-11-08");
    expect(a.currency).toBe("USD");
    expect(a.anomalies).toEqual([expect.objectContaining({ seriesKey: "aws|acct-1|Amazon EC2", start: "2026-11-08", end: "2026-11-08", direction: "increase" })]);
    // November so far: 7 days at 100 and the 900 spike.
    expect(a.forecasts.find((f) => f.seriesKey === "total")?.actualToDate).toBe("1600");
    expect(a.wouldAlert).toEqual([expect.objectContaining({ type: "anomaly.opened" })]);
  });

  it("changes nothing: no anomaly document is written, so a second run finds the same new anomaly", async () => {
    await costmon("analyze", "--tenant", "spike", "--data-dir", dataDir);
    configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir: join(repoRoot, "config"), logSink: () => {} });
    try {
      const d = await getDeps();
      expect((await d.documents.list("tenants/spike/anomalies")).docs).toEqual([]);
    } finally {
      await closeDeps();
    }
    const again = JSON.parse((await costmon("analyze", "--tenant", "spike", "--format", "json", "--data-dir", dataDir)).stdout) as AnalyzeJson;
    expect(again.wouldAlert.map((x) => x.type)).toEqual(["anomaly.opened"]);
  });

  it("analyses as of an earlier day causally: before the spike there is nothing to report", async () => {
    const a = JSON.parse((await costmon("analyze", "--tenant", "spike", "--as-of", "2026-11-07", "--format", "json", "--data-dir", dataDir)).stdout) as AnalyzeJson;
    expect(a.anomalies).toEqual([]);
  });

  it("refuses to add currencies: a ledger in USD and EUR needs --currency, and then sees only that currency", async () => {
    const refused = await costmon("analyze", "--tenant", "two-currencies", "--data-dir", dataDir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds costs in EUR, USD .*pass --currency/);
    const eur = JSON.parse((await costmon("analyze", "--tenant", "two-currencies", "--currency", "EUR", "--format", "json", "--data-dir", dataDir)).stdout) as AnalyzeJson;
    expect(eur.currency).toBe("EUR");
    expect(eur.anomalies.map((x) => x.seriesKey)).toEqual(["aws|acct-1|Amazon S3"]);
    expect(eur.forecasts.find((f) => f.seriesKey === "total")?.actualToDate).toBe("1600");
  });

  it.each([
    [["--tenant", "spike", "--currency", "usd"], /ISO 4217/],
    [["--tenant", "spike", "--currency", "GBP"], /--currency GBP: the ledger holds USD/],
    [["--tenant", "spike", "--as-of", "2026-02-30"], /calendar date/],
    [["--tenant", "spike", "--as-of", "2020-01-01"], /before the ledger's first day/],
  ])("exits 2 for %j", async (args, message) => {
    const r = await costmon("analyze", ...args, "--data-dir", dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
