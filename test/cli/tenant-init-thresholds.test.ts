import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { repoRoot } from "../support/shared-data.js";
import { runCostmon as costmon } from "../support/run-costmon.js";

const dir = mkdtempSync(join(tmpdir(), "tenant-init-"));
const dataDir = join(dir, "data");
// The project's config, with one tenant reporting in euros.
const configDir = join(dir, "config");
mkdirSync(configDir);
copyFileSync(join(repoRoot, "config", "base.yaml"), join(configDir, "base.yaml"));
copyFileSync(join(repoRoot, "config", "dev.yaml"), join(configDir, "dev.yaml"));
appendFileSync(join(configDir, "dev.yaml"), "\ncurrency:\n  reporting_by_tenant:\n    euro-co: EUR\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tenantDoc(id: string): Promise<Record<string, unknown> | null> {
  configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir, logSink: () => {} });
  try {
    return await (await getDeps()).documents.get(`tenants/${id}`);
  } finally {
    await closeDeps();
  }
}

const init = (...args: string[]) => costmon("tenant", "init", "--name", "Co", "--data-dir", dataDir, "--config-dir", configDir, ...args);

describe("costmon tenant init: thresholds per currency and the tenant locale", () => {
  it("writes --min-impact under the tenant's reporting currency, and the locale in canonical form", async () => {
    const r = await init("--tenant", "euro-co", "--min-impact", "45.50", "--locale", "de-de");
    expect(r.code).toBe(0);
    expect(await tenantDoc("euro-co")).toMatchObject({ locale: "de-DE", analysis: { thresholds: { EUR: { minImpact: "45.50" } }, minChangePct: 20 } });
  });

  it("defaults the floor to 20 in the reporting currency (USD for a tenant the config does not list)", async () => {
    expect((await init("--tenant", "usd-co")).code).toBe(0);
    const doc = await tenantDoc("usd-co");
    expect(doc).toMatchObject({ analysis: { thresholds: { USD: { minImpact: "20" } } } });
    expect(doc).not.toHaveProperty("locale");
  });

  it("keeps the deprecated --min-impact-usd working: the floor is stored as the USD one whatever the reporting currency", async () => {
    expect((await init("--tenant", "euro-co", "--min-impact-usd", "30")).code).toBe(0);
    // Each init writes the whole analysis map it was given.
    expect((await tenantDoc("euro-co"))?.analysis).toEqual({ thresholds: { USD: { minImpact: "30" } }, minChangePct: 20 });
  });

  it.each([
    [["--min-impact", "-1"], /--min-impact.*decimal amount/],
    [["--min-impact", "1e3"], /--min-impact.*decimal amount/],
    [["--min-impact", "10", "--min-impact-usd", "10"], /not both/],
    [["--locale", "xx-YY"], /--locale.*BCP 47/],
    [["--locale", "de_DE"], /--locale.*BCP 47/],
    [["--locale", "a".repeat(36)], /--locale/],
  ])("refuses %j with exit 2 and a clear message", async (args, message) => {
    const r = await init("--tenant", "bad-co", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await tenantDoc("bad-co")).toBeNull();
  });
});
