import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DuckDbDocumentStore } from "#adapters/local/duckdb-document-store.js";
import { describeDocumentStoreConformance } from "../../conformance/document-store.suite.js";

describeDocumentStoreConformance("DuckDbDocumentStore (:memory:)", () => DuckDbDocumentStore.open({ file: ":memory:" }));

describe("DuckDbDocumentStore on a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "docstore-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps documents across close and reopen of <dataDir>/documents.duckdb", async () => {
    // Prepare
    const first = await DuckDbDocumentStore.open({ dataDir: join(dir, "nested") });
    await first.set("tenants/t1/budgets/b1", { amount: "10.00" });
    await first.close();
    // Act
    const second = await DuckDbDocumentStore.open({ dataDir: join(dir, "nested") });
    const read = await second.get("tenants/t1/budgets/b1");
    await second.close();
    // Assess
    expect(read).toEqual({ amount: "10.00" });
  });

  it("closeNow checkpoints the WAL into the file at once, keeps the data and refuses later calls", async () => {
    // Prepare
    const loc = { dataDir: join(dir, "shutdown") };
    const store = await DuckDbDocumentStore.open(loc);
    await store.set("tenants/t1/budgets/b1", { amount: "12.50" });
    const wal = join(dir, "shutdown", "documents.duckdb.wal");
    expect(existsSync(wal)).toBe(true);
    // Act
    store.closeNow();
    // Assess
    expect(existsSync(wal)).toBe(false);
    await expect(store.get("tenants/t1/budgets/b1")).rejects.toThrow(/closed/);
    const reopened = await DuckDbDocumentStore.open(loc);
    expect(await reopened.get("tenants/t1/budgets/b1")).toEqual({ amount: "12.50" });
    await reopened.close();
  });

  it("two stores on one file see each other's writes and serialize updates together", async () => {
    // Prepare
    const loc = { dataDir: join(dir, "shared") };
    const [a, b] = await Promise.all([DuckDbDocumentStore.open(loc), DuckDbDocumentStore.open(loc)]);
    const inc = (s: DuckDbDocumentStore) => s.update<{ n: number }>("tenants/t1/counters/c", (c) => ({ n: (c?.n ?? 0) + 1 }));
    // Act
    await Promise.all(Array.from({ length: 20 }, (_, i) => inc(i % 2 === 0 ? a : b)));
    const seenByA = await a.get("tenants/t1/counters/c");
    await a.close();
    const seenByB = await b.get("tenants/t1/counters/c");
    await b.close();
    // Assess
    expect(seenByA).toEqual({ n: 20 });
    expect(seenByB).toEqual({ n: 20 });
  });

  it("refuses calls after close", async () => {
    const store = await DuckDbDocumentStore.open({ file: ":memory:" });
    await store.close();
    await expect(store.get("tenants/t1/budgets/b1")).rejects.toThrow(/closed/);
  });
});
