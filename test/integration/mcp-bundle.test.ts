import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { DuckDbDocumentStore } from "#adapters/local/duckdb-document-store.js";
import { createApiKeyService } from "#foundation/iam/api-keys.js";
import { costRow } from "../entrypoints/support/seed.js";
import { httpClient } from "../mcp/http-support.js";
import { textOf } from "../mcp/support.js";
import { buildBundle, startInstance } from "./support/bundle-instance.js";

/** The deployed artifact: the bundle's server.mjs with FUNCTION_TARGET=mcp, spoken to by the SDK's HTTP client. */
describe("the mcp function from the deployed bundle", () => {
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
  }, 180_000);
  afterAll(() => bundle?.remove());

  it("serves the tools to an API key, publishes its metadata, and loads only its target", async () => {
    const instance = await startInstance(bundle.dir, "mcp", { NODE_ENV: "production", COSTMON_ENV: "prod", COSTMON_RUNTIME: "local", COSTMON_DATA_DIR: dataDir, COSTMON_PROJECT_ID: "bundle-test" });
    try {
      const meta = (await (await fetch(new URL(".well-known/oauth-protected-resource", instance.url))).json()) as { authorization_servers: string[] };
      expect(meta.authorization_servers).toEqual(["https://securetoken.google.com/bundle-test"]);
      const client = await httpClient(instance.url, { "x-api-key": key });
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain("get_costs");
        const body = JSON.parse(textOf(await client.callTool({ name: "get_costs", arguments: { start: "2026-02-01", end: "2026-02-28" } })));
        expect(body.totals).toMatchObject([{ currency: "USD", billedCost: "15", effectiveCost: "18.5", creditsApplied: true }]);
      } finally {
        await client.close();
      }
      expect((await instance.probe()).others).toBe(false);
    } finally {
      expect(await instance.stop()).toBe(0);
    }
  }, 120_000);
});
