import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { DuckDbDocumentStore } from "#adapters/local/duckdb-document-store.js";
import { createApiKeyService } from "#foundation/iam/api-keys.js";
import { bundleFunctions } from "../../scripts/functions-bundle.mjs";
import { costRow } from "../entrypoints/support/seed.js";
import { repoRoot } from "../support/shared-data.js";

/**
 * The bundle that ships (scripts/functions-bundle.mjs), run as a deployed instance: a plain Node
 * process with FUNCTION_TARGET set, serving getCostSummary through functions-framework on the
 * local DuckDB stores. Covers what only the bundle and a real process show: only the target's
 * module is loaded, the bundled DuckDB API finds its native binding, zod works with English alone,
 * the instance opens its stores at start and, on SIGTERM, closes them so that no WAL is left to replay.
 */
const SERVER = (bundle: string) => `
import "${bundle}";
import { getTestServer } from "@google-cloud/functions-framework/testing";
let others = true;
try { getTestServer("listBudgets"); } catch { others = false; }
const s = getTestServer("getCostSummary");
s.listen(0, "127.0.0.1", () => process.send({ port: s.address().port, others }));
`;

describe("the deployed bundle as a Cloud Functions instance", () => {
  // Under node_modules/.cache so that the bundle's external packages resolve as they would deployed.
  const cache = join(repoRoot, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "deployed-bundle-"));
  const dataDir = join(dir, "data");
  let bundle = "";
  let key = "";

  beforeAll(async () => {
    bundle = await bundleFunctions(join(dir, "lib"), { logLevel: "warning" });
    const docs = await DuckDbDocumentStore.open({ dataDir });
    ({ key } = await createApiKeyService(docs).create("t-bundle", { name: "bundle", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "test"));
    await docs.close();
    const wh = await DuckDbCostWarehouse.open({ dataDir });
    await wh.upsert("t-bundle", [costRow("t-bundle", "2026-02-01"), costRow("t-bundle", "2026-02-02", { billed_cost: "4.5" })]);
    await wh.close();
    writeFileSync(join(dir, "server.mjs"), SERVER(bundle));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function start(): Promise<{ child: ChildProcess; port: number; others: boolean }> {
    const env = { ...process.env, FUNCTION_TARGET: "getCostSummary", NODE_ENV: "production", COSTMON_ENV: "prod", COSTMON_DATA_DIR: dataDir, COSTMON_PROJECT_ID: "bundle-test" };
    const child = fork(join(dir, "server.mjs"), [], { env, execArgv: [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
    return new Promise((resolve, reject) => {
      child.once("message", (m) => resolve({ child, ...(m as { port: number; others: boolean }) }));
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
  }

  const call = (port: number, apiKey: string) =>
    fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: JSON.stringify({ data: { start: "2026-02-01", end: "2026-02-28", groupBy: ["service"] } }),
    });

  it("keeps only zod's English messages in the bundle", () => {
    const code = readdirSync(join(dir, "lib"))
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => readFileSync(join(dir, "lib", f), "utf8"))
      .join("\n");
    expect(code).toContain("Invalid input");
    expect(code).not.toContain("Неверный ввод");
  });

  it("loads only its target, answers getCostSummary with API-key authentication, refuses a wrong key, and leaves no WAL after SIGTERM", async () => {
    // Prepare
    const { child, port, others } = await start();
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    // Act
    const ok = await call(port, key);
    const okBody = (await ok.json()) as { result: { rows: Array<{ period: string }> } };
    const denied = await call(port, `${key.slice(0, -4)}0000`);
    const deniedBody = (await denied.json()) as { error: { status: string } };
    child.kill("SIGTERM");
    const code = await exited;
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
