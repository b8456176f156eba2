import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { DuckDbLlmLedger } from "#adapters/local/duckdb-llm-ledger.js";
import { LlmUsageEventSchema } from "#domain/llm-usage/event.js";
import type { LlmLedger } from "#domain/llm-usage/ledger-port.js";
import { priceEvents } from "#domain/llm-usage/price-events.js";
import { compileOverrides, createPricer } from "#domain/llm-usage/price-catalog.js";
import { createMcpGate, callerFromAuthInfo, type GateServices } from "#entrypoints/mcp/gate.js";
import { buildMcpServer, type McpDeps } from "#entrypoints/mcp/server.js";
import type { Principal } from "#foundation/iam/model.js";
import { type AuditLog, createAuditLog } from "#foundation/secops/audit-log.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import type { DocumentStore } from "#kernel/ports.js";
import { fixedCatalog } from "../domain/llm-usage/support.js";
import { costRow, seedTenantDocs } from "../entrypoints/support/seed.js";
import { MemoryCostWarehouse } from "../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../fakes/memory-document-store.js";

/** A principal as the F1 authenticator would build it from a verified credential. */
export function principal(over: Partial<Principal> & { tenantId: string | null }): Principal {
  return { kind: "user", id: `u-${over.tenantId}`, trustLevel: 1, zones: ["nonprod", "prod"], mfa: false, skills: "all", platformAdmin: false, method: "id-token", ...over };
}

export const authInfoOf = (p: Principal, clientId = "test-client"): AuthInfo => ({ token: "verified", clientId, scopes: [], extra: { principal: p } });

export interface Harness {
  deps: McpDeps;
  documents: DocumentStore;
  warehouse: MemoryCostWarehouse;
  audit: AuditLog;
  auditStore: MemoryDocumentStore;
  services: GateServices;
  /** A client whose every message carries `authInfo`, as the HTTP transport sets it for a verified bearer token. */
  connect(authInfo: AuthInfo | undefined): Promise<Client>;
  close(): Promise<void>;
}

/** The SDK client over the SDK's in-memory transport, with auth info on each request. */
export async function harness(opts: { points?: number } = {}): Promise<Harness> {
  const documents = new MemoryDocumentStore();
  const warehouse = new MemoryCostWarehouse();
  const ledger: LlmLedger = await DuckDbLlmLedger.open({ file: ":memory:" });
  const auditStore = new MemoryDocumentStore();
  const audit = createAuditLog(auditStore);
  const services: GateServices = { audit, rateLimiter: createRateLimiter({ points: opts.points ?? 1e9 }) };
  const deps: McpDeps = { warehouse, documents, llmLedger: async () => ledger };
  const clients: Client[] = [];
  return {
    deps,
    documents,
    warehouse,
    audit,
    auditStore,
    services,
    async connect(authInfo) {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const send = clientSide.send.bind(clientSide);
      clientSide.send = (message, options) => send(message, { ...options, ...(authInfo ? { authInfo } : {}) });
      await buildMcpServer(deps, createMcpGate(services, callerFromAuthInfo)).connect(serverSide);
      const client = new Client({ name: "test", version: "0" });
      await client.connect(clientSide);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) await c.close();
      await ledger.close();
    },
  };
}

/** A tenant with a bit of everything each tool reads, every string carrying `mark`. */
export async function seedTenant(h: Pick<Harness, "documents" | "warehouse" | "deps">, t: string, mark: string, amount = "10.5"): Promise<void> {
  await seedTenantDocs(h.documents, t);
  await h.documents.set(`tenants/${t}/anomalies/anom2-${t}`, {
    seriesKey: "tenant", start: "2026-03-02", end: "2026-03-02", direction: "increase", expected: "1", actual: amount, impact: "9", score: 4, severity: "critical",
    rootCauses: [{ dimension: "service_name", value: mark, contribution: "9" }], status: "open", feedback: null, where: { provider: "gcp", accountId: `proj-${t}`, service: mark },
  });
  await h.documents.set(`tenants/${t}/forecasts/total`, { seriesKey: "total", asOf: "2026-03-02", horizonDays: 1, points: [{ date: "2026-03-03", mean: amount, lower80: "1", upper80: "2", lower95: "0", upper95: "3" }], monthEnd: { period: "2026-03", seriesKey: "total", actualToDate: amount, projected: amount, lower80: "1", upper80: "2", lower95: "0", upper95: "3", note: mark } });
  await h.documents.set(`tenants/${t}/budgets/budget2-${t}`, { id: `budget2-${t}`, name: mark, amount, currency: "USD", period: "monthly", scope: {}, thresholds: [] });
  await h.warehouse.upsert(t, [
    costRow(t, "2026-02-20", { service_name: `old-${mark}`, billed_cost: "1", effective_cost: "1" }),
    costRow(t, "2026-03-01", { service_name: mark, billed_cost: amount, effective_cost: amount, tags: { team: mark } }),
    costRow(t, "2026-03-02", { service_name: "Cloud Storage", billed_cost: "5", effective_cost: "0" }),
  ]);
  const pricer = createPricer(fixedCatalog(), compileOverrides([]));
  const events = [LlmUsageEventSchema.parse({ eventId: `e-${t}`, provider: "openai", model: "gpt-4o-mini", inputTokens: 1000, outputTokens: 100, requestedAt: "2026-03-01T12:00:00Z", tags: { team: mark } })];
  await (await h.deps.llmLedger()).ingest(t, priceEvents(t, events, pricer), () => []);
}

export const textOf = (r: unknown): string => ((r as { content: { type: string; text: string }[] }).content[0]?.text ?? "");

/** A valid call of every tool for the March 2026 seed: the isolation and size suites walk this list. */
export const TOOL_CALLS: Record<string, Record<string, unknown>[]> = {
  get_costs: [{ start: "2026-03-01", end: "2026-03-31" }, { start: "2026-01-01", end: "2026-03-31", group_by: ["service", "account"], granularity: "daily", view: "rows" }],
  compare_costs: [{ start: "2026-03-01", end: "2026-03-31" }, { start: "2026-03-01", end: "2026-03-31", by: "account", view: "rows", baseline_start: "2026-02-01", baseline_end: "2026-02-28" }],
  list_anomalies: [{}, { status: "open", severity: "critical", limit: 5 }],
  get_forecast: [{}, { view: "rows" }, { series_key: "total" }],
  list_budgets: [{}, { limit: 1 }],
  list_recommendations: [{}, { state: "active", currency: "USD", min_savings: "1" }],
  get_llm_usage: [{ start: "2026-03-01", end: "2026-03-31" }, { start: "2026-03-01", end: "2026-03-31", view: "rows", breakdown: "team" }],
  list_tag_values: [{ start: "2026-03-01", end: "2026-03-31", tag_key: "team" }],
  get_allocation_coverage: [{ start: "2026-03-01", end: "2026-03-31", tag_keys: ["team", "env"] }],
};
