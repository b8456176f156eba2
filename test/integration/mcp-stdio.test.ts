import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareDecimals } from "#domain/billing/money.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "costmon.mjs");

/** The acceptance check: the stdio server's month total equals the nightly's month-to-date. */
describe("costmon mcp over stdio", () => {
  let dir: string;
  let nightly: { tenants: { tenantId: string; analysis: { asOf: string; forecasts: { seriesKey: string; actualToDate: string; currency: string }[] } }[] };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mcp-stdio-"));

    nightly = JSON.parse(execFileSync(process.execPath, [bin, "nightly", "--data-dir", dir, "--no-reports", "--quiet", "--json"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString());
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists get_costs, and its current-month total equals the nightly's month-to-date", async () => {
    const t = nightly.tenants[0]!;
    const asOf = t.analysis.asOf;
    const total = t.analysis.forecasts.find((f) => f.seriesKey === "total")!;
    const mtd = total.actualToDate;
    const client = new Client({ name: "acceptance", version: "0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, "mcp", "--tenant", t.tenantId, "--data-dir", dir], cwd: root, stderr: "ignore" }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name)).toContain("get_costs");
      const r = await client.callTool({ name: "get_costs", arguments: { start: `${asOf.slice(0, 7)}-01`, end: asOf } });
      const body = JSON.parse((r.content as { text: string }[])[0]!.text);
      // One total per currency; the demo tenant bills in one.
      expect(body.totals.map((x: { currency: string }) => x.currency)).toEqual([total.currency]);
      expect(compareDecimals(body.totals[0].effectiveCost, mtd)).toBe(0);
    } finally {
      await client.close();
    }
  }, 120_000);
});
