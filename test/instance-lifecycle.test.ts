import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeDepsNow, configureDeps, getDeps } from "../functions/src/deps.js";
import { startInstance } from "../functions/src/instance-lifecycle.js";
import { costRow } from "./entrypoints/support/seed.js";
import { MemoryCostWarehouse } from "./fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "./fakes/memory-document-store.js";
import { MemorySecretStore } from "./fakes/memory-secret-store.js";

describe("instance lifecycle", () => {
  const dirs: string[] = [];
  afterEach(() => {
    configureDeps({});
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("stays lazy outside a deployed instance: no build, no SIGTERM handler", () => {
    const before = process.listenerCount("SIGTERM");
    expect(startInstance({})).toBeUndefined();
    expect(process.listenerCount("SIGTERM")).toBe(before);
  });

  it("in a deployed instance, builds the pipeline at once, runs zod jitless and handles SIGTERM", async () => {
    // Prepare
    configureDeps({ documents: new MemoryDocumentStore(), warehouse: new MemoryCostWarehouse(), secrets: new MemorySecretStore(), logSink: () => {}, env: { COSTMON_PROJECT_ID: "p" } });
    const before = process.listeners("SIGTERM");
    // Act
    const started = startInstance({ FUNCTION_TARGET: "getCostSummary" });
    // Assess
    expect(started).toBeInstanceOf(Promise);
    await started;
    expect(z.config().jitless).toBe(true);
    const added = process.listeners("SIGTERM").filter((l) => !before.includes(l));
    expect(added).toHaveLength(1);
    for (const l of added) process.removeListener("SIGTERM", l);
    z.config({ jitless: false });
  });

  it("closeDepsNow closes the stores the instance opened and leaves injected ones alone", async () => {
    // Prepare: documents injected, the warehouse opened by the build on a file.
    const dataDir = mkdtempSync(join(tmpdir(), "lifecycle-"));
    dirs.push(dataDir);
    const documents = new MemoryDocumentStore();
    configureDeps({ documents, secrets: new MemorySecretStore(), logSink: () => {}, env: { COSTMON_DATA_DIR: dataDir, COSTMON_PROJECT_ID: "p" } });
    const deps = await getDeps();
    await deps.warehouse.upsert("t1", [costRow("t1", "2026-02-01")]);
    // Act
    closeDepsNow();
    // Assess
    await expect(deps.warehouse.totals("t1")).rejects.toThrow(/closed/);
    await documents.set("tenants/t1", { ok: true });
    expect(await documents.get("tenants/t1")).toEqual({ ok: true });
  });
});
