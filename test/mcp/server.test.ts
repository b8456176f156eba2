import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { beforeEach, describe, expect, it } from "vitest";
import { buildMcpServer, estimateTokens, MAX_RESULT_TOKENS, TOOL_SCOPES } from "#entrypoints/mcp/server.js";
import { MemoryCostWarehouse } from "../fakes/memory-cost-warehouse.js";
import { costRow } from "../entrypoints/support/seed.js";

async function connect(warehouse: MemoryCostWarehouse, tenantId: string): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await buildMcpServer({ warehouse, tenantId }).connect(serverSide);
  const client = new Client({ name: "test", version: "0" });
  await client.connect(clientSide);
  return client;
}

const textOf = (r: Awaited<ReturnType<Client["callTool"]>>): string => (r.content as { type: string; text: string }[])[0]?.text ?? "";

describe("MCP server (in process)", () => {
  let warehouse: MemoryCostWarehouse;
  beforeEach(async () => {
    warehouse = new MemoryCostWarehouse();
    await warehouse.upsert("t1", [costRow("t1", "2026-03-01"), costRow("t1", "2026-03-02", { service_name: "Cloud Storage" })]);
    await warehouse.upsert("t2", [costRow("t2", "2026-03-01", { billed_cost: "999", effective_cost: "999" })]);
  });

  it("lists get_costs, and every tool's annotations agree with its read-only scope", async () => {
    const client = await connect(warehouse, "t1");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("get_costs");
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOL_SCOPES).sort());
    for (const t of tools) {
      const scope = TOOL_SCOPES[t.name as keyof typeof TOOL_SCOPES];
      expect(t.annotations?.readOnlyHint, t.name).toBe(scope.action === "read");
      expect(t.annotations?.destructiveHint, t.name).toBe(false);
    }
  });

  it("returns exact gross and net totals for the bound tenant only, with credits flagged", async () => {
    const client = await connect(warehouse, "t1");
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } });
    const body = JSON.parse(textOf(r));
    expect(body.tenant).toBe("t1");
    expect(body.totals).toEqual({ billedCost: "21", effectiveCost: "18.5", creditsApplied: true });
  });

  it("takes no tenant from the arguments", async () => {
    const client = await connect(warehouse, "t1");
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", tenant: "t2", tenantId: "t2" } });
    const text = textOf(r);
    expect(text).not.toContain("999");
    expect(text).not.toContain("t2");
  });

  it("groups rows inside a data boundary", async () => {
    const client = await connect(warehouse, "t1");
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], view: "rows" } });
    const body = JSON.parse(textOf(r));
    expect(body.untrustedData.rows.map((x: { dims: { service: string } }) => x.dims.service).sort()).toEqual(["Cloud Storage", "Compute Engine"]);
  });

  it("answers a bad range with an error that says how to fix it", async () => {
    const client = await connect(warehouse, "t1");
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-31", end: "2026-03-01" } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/start must not be after end/);
    expect(textOf(r)).toMatch(/Use start <= end/);
  });

  it("keeps a large row set under the token cap and says it was cut", async () => {
    const rows = [];
    for (let i = 0; i < 3000; i++) rows.push(costRow("t1", "2026-03-05", { service_name: `svc-${i}-${"x".repeat(40)}` }));
    await warehouse.upsert("t1", rows);
    const client = await connect(warehouse, "t1");
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], granularity: "daily", view: "rows" } });
    const text = textOf(r);
    expect(estimateTokens(text)).toBeLessThanOrEqual(MAX_RESULT_TOKENS);
    expect(JSON.parse(text).truncated).toBe(true);
  });
});
