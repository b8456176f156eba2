import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createMcpGate, type GateServices } from "#entrypoints/mcp/gate.js";
import { localOperator } from "#entrypoints/mcp/local-operator.js";
import { buildMcpServer, estimateTokens, type McpDeps } from "#entrypoints/mcp/server.js";
import { addDays } from "#kernel/days.js";

export interface SizeSample {
  tenant: string;
  tool: string;
  bytes: number;
  tokens: number;
  isError: boolean;
}

/** The calls an assistant makes on a tenant as of a day, the widest ones included; rows pages are walked to the end. */
export function sweepCalls(asOf: string): { name: string; arguments: Record<string, unknown>; walk?: boolean }[] {
  const month = `${asOf.slice(0, 7)}-01`;
  const q90 = addDays(asOf, -89);
  const out: { name: string; arguments: Record<string, unknown>; walk?: boolean }[] = [
    { name: "get_costs", arguments: { start: month, end: asOf } },
    { name: "get_costs", arguments: { start: q90, end: asOf, group_by: ["service"], view: "rows" }, walk: true },
    { name: "get_costs", arguments: { start: q90, end: asOf, group_by: ["provider", "account", "service", "region"], granularity: "daily", view: "rows", limit: 500 }, walk: true },
    { name: "compare_costs", arguments: { start: month, end: asOf } },
    { name: "compare_costs", arguments: { start: q90, end: asOf, by: "service", view: "rows", limit: 500 }, walk: true },
    { name: "list_anomalies", arguments: { limit: 50 }, walk: true },
    { name: "get_forecast", arguments: {} },
    { name: "get_forecast", arguments: { view: "rows" }, walk: true },
    { name: "list_budgets", arguments: { limit: 50 }, walk: true },
    { name: "list_recommendations", arguments: { limit: 50 }, walk: true },
    { name: "get_llm_usage", arguments: { start: q90, end: asOf } },
    { name: "get_llm_usage", arguments: { start: q90, end: asOf, view: "rows", breakdown: "day" }, walk: true },
  ];
  for (const tag of ["team", "env", "cost-center"]) out.push({ name: "list_tag_values", arguments: { start: q90, end: asOf, tag_key: tag }, walk: true });
  out.push({ name: "get_allocation_coverage", arguments: { start: q90, end: asOf, tag_keys: ["team", "env", "cost-center"] } });
  return out;
}

/**
 * Calls every tool of {@link sweepCalls} for each tenant through the SDK client (in memory), as
 * the tenant's local operator, and returns the size of every answer.
 */
export async function sweep(deps: McpDeps, services: GateServices, tenants: { tenantId: string; asOf: string }[]): Promise<SizeSample[]> {
  const samples: SizeSample[] = [];
  for (const { tenantId, asOf } of tenants) {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const caller = localOperator(tenantId);
    await buildMcpServer(deps, createMcpGate(services, () => caller)).connect(serverSide);
    const client = new Client({ name: "size-sweep", version: "0" });
    await client.connect(clientSide);
    try {
      for (const call of sweepCalls(asOf)) {
        let cursor: string | undefined;
        let pages = 0;
        do {
          const r = await client.callTool({ name: call.name, arguments: { ...call.arguments, ...(cursor ? { cursor } : {}) } });
          const text = (r.content as { type: string; text: string }[])[0]?.text ?? "";
          samples.push({ tenant: tenantId, tool: call.name, bytes: Buffer.byteLength(text), tokens: estimateTokens(text), isError: r.isError === true });
          cursor = undefined;
          if (call.walk && !r.isError) cursor = (JSON.parse(text) as { next_cursor?: string | null }).next_cursor ?? undefined;
          pages++;
        } while (cursor && pages < 200);
      }
    } finally {
      await client.close();
    }
  }
  return samples;
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? 0;
