import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { costRecord } from "../../conformance/cost-record-builder.js";
import { describeCostWarehouseConformance } from "../../conformance/cost-warehouse.suite.js";

describeCostWarehouseConformance("DuckDbCostWarehouse (:memory:)", () => DuckDbCostWarehouse.open({ file: ":memory:" }));

describe("DuckDbCostWarehouse on a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "warehouse-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates <dataDir>/warehouse.duckdb and keeps rows across close and reopen", async () => {
    // Prepare
    const first = await DuckDbCostWarehouse.open({ dataDir: dir });
    await first.upsert("t1", [costRecord({ tenant_id: "t1", billed_cost: "0.1" }), costRecord({ tenant_id: "t1", resource_id: "r2", billed_cost: "0.2" })]);
    await first.close();
    // Act
    const second = await DuckDbCostWarehouse.open({ dataDir: dir });
    const totals = await second.totals("t1");
    await second.close();
    // Assess
    expect(existsSync(join(dir, "warehouse.duckdb"))).toBe(true);
    expect(totals).toEqual({ rows: 2, billed_cost: "0.3", effective_cost: "2" });
  });

  it("closeNow checkpoints the WAL at once and keeps the rows", async () => {
    // Prepare
    const loc = { dataDir: join(dir, "shutdown") };
    const wh = await DuckDbCostWarehouse.open(loc);
    await wh.upsert("t1", [costRecord({ tenant_id: "t1", billed_cost: "0.7" })]);
    const wal = join(dir, "shutdown", "warehouse.duckdb.wal");
    expect(existsSync(wal)).toBe(true);
    // Act
    wh.closeNow();
    // Assess
    expect(existsSync(wal)).toBe(false);
    await expect(wh.totals("t1")).rejects.toThrow(/closed/);
    const reopened = await DuckDbCostWarehouse.open(loc);
    expect((await reopened.totals("t1")).billed_cost).toBe("0.7");
    await reopened.close();
  });

  it("refuses calls after close", async () => {
    const wh = await DuckDbCostWarehouse.open({ file: ":memory:" });
    await wh.close();
    await expect(wh.totals("t1")).rejects.toThrow(/closed/);
  });
});
