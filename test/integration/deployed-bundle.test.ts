import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { DuckDbDocumentStore } from "#adapters/local/duckdb-document-store.js";
import { createApiKeyService } from "#foundation/iam/api-keys.js";
import { costRow } from "../entrypoints/support/seed.js";
import { buildBundle, startInstance } from "./support/bundle-instance.js";

/**
 * The bundle that ships (scripts/functions-bundle.mjs), run as a deployed instance: a plain Node
 * process started by the bundle's start script (`node server.mjs`) with FUNCTION_TARGET set,
 * serving getCostSummary through functions-framework behind the request-body guard, on the local
 * DuckDB stores. Covers what only the bundle and a real process show: only the target's module is
 * loaded, the bundled DuckDB API finds its native binding, zod works with English alone, the
 * instance opens its stores at start and, on SIGTERM, closes them so that no WAL is left to replay.
 */
describe("the deployed bundle as a Cloud Functions instance", () => {
  let bundle: Awaited<ReturnType<typeof buildBundle>>;
  let dataDir = "";
  let key = "";

  beforeAll(async () => {
    bundle = await buildBundle();
    dataDir = join(bundle.dir, "data");
    const docs = await DuckDbDocumentStore.open({ dataDir });
    ({ key } = await createApiKeyService(docs).create("t-bundle", { name: "bundle", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "test"));
    await docs.close();
    const wh = await DuckDbCostWarehouse.open({ dataDir });
    await wh.upsert("t-bundle", [costRow("t-bundle", "2026-02-01"), costRow("t-bundle", "2026-02-02", { billed_cost: "4.5" })]);
    await wh.close();
  });
  afterAll(() => bundle?.remove());

  const start = () => startInstance(bundle.dir, "getCostSummary", { NODE_ENV: "production", COSTMON_ENV: "prod", COSTMON_RUNTIME: "local", COSTMON_DATA_DIR: dataDir, COSTMON_PROJECT_ID: "bundle-test" });

  const call = (url: string, apiKey: string) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: JSON.stringify({ data: { start: "2026-02-01", end: "2026-02-28", groupBy: ["service"] } }),
    });

  it("keeps only zod's English messages in the bundle", () => {
    const code = readdirSync(bundle.lib)
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => readFileSync(join(bundle.lib, f), "utf8"))
      .join("\n");
    expect(code).toContain("Invalid input");
    expect(code).not.toContain("Неверный ввод");
  });

  it("loads only its target, answers getCostSummary with API-key authentication, refuses a wrong key, and leaves no WAL after SIGTERM", async () => {
    // Prepare
    const instance = await start();
    // Act
    const ok = await call(instance.url, key);
    const okBody = (await ok.json()) as { result: { rows: Array<{ period: string }> } };
    const denied = await call(instance.url, `${key.slice(0, -4)}0000`);
    const deniedBody = (await denied.json()) as { error: { status: string } };
    const { others } = await instance.probe();
    const code = await instance.stop();
    // Assess
    expect(others).toBe(false);
    expect(ok.status).toBe(200);
    expect(okBody.result.rows.map((r) => r.period)).toEqual(["2026-02-01", "2026-02-02"]);
    expect(denied.status).toBe(401);
    expect(deniedBody.error.status).toBe("UNAUTHENTICATED");
    expect(code).toBe(0);
    expect(existsSync(join(dataDir, "documents.duckdb.wal"))).toBe(false);
    expect(existsSync(join(dataDir, "warehouse.duckdb.wal"))).toBe(false);
  });
});
