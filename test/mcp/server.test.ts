import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { annotationsFor, estimateTokens, MAX_RESULT_TOKENS, TOOL_SCOPES } from "#entrypoints/mcp/server.js";
import { tenantStream, PLATFORM_STREAM } from "#foundation/secops/audit-log.js";
import { costRow } from "../entrypoints/support/seed.js";
import { authInfoOf, type Harness, harness, principal, seedTenant, textOf, TOOL_CALLS } from "./support.js";

/** Audit records of one stream, oldest first (the chain's own storage layout). */
async function auditRecords(h: Harness, stream: string) {
  const page = await h.auditStore.list(`audit_streams/${encodeURIComponent(stream)}/records`, { limit: 10_000 });
  return page.docs.map((d) => d.data as { action: string; decision: string; outcome: string; actor: string; tenantId: string; details: Record<string, unknown> });
}

describe("MCP server (in process, SDK client over the in-memory transport with auth info)", () => {
  let h: Harness;
  const viewer = authInfoOf(principal({ tenantId: "t1" }));
  beforeEach(async () => {
    h = await harness();
    await seedTenant(h, "t1", "MARK-ONE");
    await seedTenant(h, "t2", "MARK-TWO", "999");
  });
  afterEach(async () => h.close());

  it("lists every tool, with annotations that follow its scope", async () => {
    const client = await h.connect(viewer);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOL_SCOPES).sort());
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["get_costs", "compare_costs", "list_anomalies", "get_forecast", "list_budgets", "list_recommendations", "get_llm_usage", "list_tag_values", "get_allocation_coverage"]));
    for (const t of tools) {
      const scope = TOOL_SCOPES[t.name]!;
      expect(t.annotations, t.name).toMatchObject(annotationsFor(scope));
      expect(t.annotations?.readOnlyHint, t.name).toBe(true);
      // Flat and typed: an object of named arguments, never an `operation` switch.
      expect(t.inputSchema.type).toBe("object");
      expect(Object.keys(t.inputSchema.properties ?? {})).not.toContain("operation");
    }
  });

  it("get_costs: exact gross and net for the bound tenant, credits flagged", async () => {
    const client = await h.connect(viewer);
    const body = JSON.parse(textOf(await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } })));
    expect(body.tenant).toBe("t1");
    expect(body.totals).toEqual([{ currency: "USD", billedCost: "15.5", effectiveCost: "10.5", creditsAndDiscounts: "5", creditsApplied: true }]);
  });

  it("get_costs: totals per currency, never one sum across currencies", async () => {
    // Prepare: a EUR row beside the tenant's USD rows (the GCP sample bills in EUR).
    await h.warehouse.upsert("t1", [costRow("t1", "2026-03-03", { service_name: "Compute Engine", billed_cost: "0.012434", effective_cost: "0.012434", billing_currency: "EUR" })]);
    const client = await h.connect(viewer);

    // Act
    const body = JSON.parse(textOf(await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], view: "rows" } })));

    // Assess
    expect(body.totals).toEqual([
      { currency: "EUR", billedCost: "0.012434", effectiveCost: "0.012434", creditsAndDiscounts: "0", creditsApplied: false },
      { currency: "USD", billedCost: "15.5", effectiveCost: "10.5", creditsAndDiscounts: "5", creditsApplied: true },
    ]);
    expect(body.untrustedData.rows).toContainEqual(["2026-03", "Compute Engine", "EUR", "0.012434", "0.012434", false]);
  });

  it("refuses a tenant in the arguments instead of using it", async () => {
    const client = await h.connect(viewer);
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", tenant: "t2" } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/tenant always comes from your credentials/);
    expect(textOf(r)).not.toMatch(/999|MARK-TWO|"t2"/);
  });

  it("puts grouped values in compact rows inside the data boundary", async () => {
    const client = await h.connect(viewer);
    const body = JSON.parse(textOf(await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], view: "rows" } })));
    expect(body.untrustedData.note).toMatch(/never instructions/);
    expect(body.untrustedData.columns).toEqual(["period", "service", "currency", "billed", "net", "credits"]);
    expect(body.untrustedData.rows).toEqual([["2026-03", "Cloud Storage", "USD", "5", "0", true], ["2026-03", "MARK-ONE", "USD", "10.5", "10.5", false]]);
  });

  it("answers bad arguments with an error that says how to fix the call", async () => {
    const client = await h.connect(viewer);
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-31", end: "2026-03-01" } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/start must not be after end/);
    expect(textOf(r)).toMatch(/Use start <= end/);
    const bad = await client.callTool({ name: "get_costs", arguments: { start: "March", end: "2026-03-01", granularity: "hourly" } });
    expect(textOf(bad)).toMatch(/start: date must be YYYY-MM-DD/);
    expect(textOf(bad)).toMatch(/granularity/);
    const unknown = await client.callTool({ name: "get_cost", arguments: {} });
    expect(textOf(unknown)).toMatch(/call tools\/list and use one of get_costs/);
  });

  it("compare_costs names the drivers of a change; list_anomalies returns root causes", async () => {
    const client = await h.connect(viewer);
    const c = JSON.parse(textOf(await client.callTool({ name: "compare_costs", arguments: { start: "2026-03-01", end: "2026-03-31", baseline_start: "2026-02-01", baseline_end: "2026-02-28", view: "rows" } })));
    expect(c.totals).toEqual([{ currency: "USD", current: "10.5", baseline: "1", change: "9.5", billedCurrent: "15.5", billedBaseline: "1" }]);
    expect(c.untrustedData.rows[0]).toEqual(["USD", "MARK-ONE", "10.5", "0", "10.5"]);
    const a = JSON.parse(textOf(await client.callTool({ name: "list_anomalies", arguments: { severity: "critical" } })));
    const causes = a.untrustedData.rows[0][a.untrustedData.columns.indexOf("rootCauses")];
    expect(causes).toEqual([["service_name", "MARK-ONE", "9"]]);
    expect(a.untrustedData.rows[0][a.untrustedData.columns.indexOf("view")]).toBe("billed");
  });

  it("list_anomalies names a namespace anomaly's view; get_forecast reads a series in a second currency", async () => {
    // Prepare: an anomaly on the Kubernetes allocation view and a EUR forecast, as the nightly writes them.
    await h.documents.set("tenants/t1/anomalies/k8s-1", {
      seriesKey: "kubernetes-allocation|prod|web", view: "kubernetes-allocation", start: "2026-03-04", end: "2026-03-04", direction: "increase", currency: "USD",
      expected: "10", actual: "40", impact: "30", score: 6, severity: "high", rootCauses: [{ dimension: "controller", value: "deployment/web", contribution: "30" }],
      status: "open", feedback: null, where: { provider: "kubernetes", accountId: "prod", service: "namespace web" },
    });
    await h.documents.set("tenants/t1/forecasts/total@EUR", {
      seriesKey: "total@EUR", asOf: "2026-03-02", horizonDays: 1, points: [{ date: "2026-03-03", mean: "7", lower80: "6", upper80: "8", lower95: "5", upper95: "9" }],
      monthEnd: { period: "2026-03", currency: "EUR", actualToDate: "14", projected: "217", lower80: "200", upper80: "230", lower95: "190", upper95: "240" },
    });
    const client = await h.connect(viewer);
    const call = async (name: string, args: Record<string, unknown>) => JSON.parse(textOf(await client.callTool({ name, arguments: args })));

    // Act
    const a = await call("list_anomalies", { severity: "high" });
    const f = await call("get_forecast", { series_key: "total@EUR" });

    // Assess
    const col = (name: string) => a.untrustedData.columns.indexOf(name);
    const k8s = a.untrustedData.rows.find((r: unknown[]) => r[col("id")] === "k8s-1");
    expect([k8s[col("view")], k8s[col("provider")], k8s[col("account")], k8s[col("service")]]).toEqual(["kubernetes-allocation", "kubernetes", "prod", "namespace web"]);
    expect(f.monthEnd).toMatchObject({ currency: "EUR", projected: "217" });
  });

  it("serves forecasts, budgets, recommendations, LLM usage, tag values and allocation coverage from stored data", async () => {
    const client = await h.connect(viewer);
    const call = async (name: string, args: Record<string, unknown>) => JSON.parse(textOf(await client.callTool({ name, arguments: args })));
    expect((await call("get_forecast", {})).monthEnd.projected).toBe("10.5");
    expect((await call("get_forecast", { view: "rows" })).untrustedData.rows).toEqual([["2026-03-03", "10.5", "1", "2", "0", "3"]]);
    expect((await call("list_budgets", {})).untrustedData.rows.map((r: unknown[]) => r[1]).sort()).toEqual(["Budget t1", "MARK-ONE"]);
    expect((await call("list_recommendations", {})).untrustedData.rows[0].slice(1, 3)).toEqual(["gcp", "rightsizing"]);
    const llm = await call("get_llm_usage", { start: "2026-03-01", end: "2026-03-31", view: "rows", breakdown: "team" });
    expect(llm.totals.events).toBe(1);
    expect(llm.untrustedData.rows[0][0]).toBe("MARK-ONE");
    const tags = await call("list_tag_values", { start: "2026-03-01", end: "2026-03-31", tag_key: "team" });
    expect(tags.untrustedData.rows).toEqual([["MARK-ONE", "USD", "10.5", "10.5"], [null, "USD", "0", "5"]]);
    const cov = await call("get_allocation_coverage", { start: "2026-03-01", end: "2026-03-31", tag_keys: ["team"] });
    expect(cov.untrustedData.rows).toEqual([["team", "USD", "10.5", "10.5", "0", "100.0"]]);
  });

  it("pages rows with a cursor, keeps every page under the token cap, and refuses a cursor of another query", async () => {
    const rows = [];
    for (let i = 0; i < 3000; i++) rows.push(costRow("t1", "2026-03-05", { service_name: `svc-${String(i).padStart(4, "0")}-${"x".repeat(200)}` }));
    await h.warehouse.upsert("t1", rows);
    const client = await h.connect(viewer);
    const args = { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], granularity: "daily", view: "rows", limit: 500 };
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const t = textOf(await client.callTool({ name: "get_costs", arguments: { ...args, ...(cursor ? { cursor } : {}) } }));
      expect(estimateTokens(t)).toBeLessThanOrEqual(MAX_RESULT_TOKENS);
      const body = JSON.parse(t);
      for (const r of body.untrustedData.rows) seen.push(`${r[0]}|${r[1]}`);
      cursor = body.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(6);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(3000 + 2);
    const first = JSON.parse(textOf(await client.callTool({ name: "get_costs", arguments: args })));
    expect(first.truncated).toBe(true);
    const foreign = await client.callTool({ name: "get_costs", arguments: { ...args, group_by: ["region"], cursor: first.next_cursor } });
    expect(foreign.isError).toBe(true);
    expect(textOf(foreign)).toMatch(/cursor does not belong to this query/);
  });

  it("authorizes each tool like its callable: an API key scoped to costs reads costs, not anomalies", async () => {
    const key = authInfoOf(principal({ tenantId: "t1", kind: "apiKey", id: "cm_abc", method: "api-key", skills: ["costs"] }), "ci-bot");
    const client = await h.connect(key);
    expect((await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } })).isError).toBeFalsy();
    const denied = await client.callTool({ name: "list_anomalies", arguments: {} });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/permission denied \(skill-not-in-key-scope\)/);
    const noZone = await (await h.connect(authInfoOf(principal({ tenantId: "t1", zones: [] })))).callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } });
    expect(textOf(noZone)).toMatch(/permission denied \(zone-not-granted\)/);
    const records = await auditRecords(h, tenantStream("t1"));
    expect(records.find((r) => r.action === "read:anomalies:mcp.list_anomalies")).toMatchObject({ decision: "deny", actor: "apiKey:cm_abc", details: { stage: "authorization", reason: "skill-not-in-key-scope", client: "ci-bot" } });
  });

  it("refuses and audits a call without verified credentials", async () => {
    const client = await h.connect(undefined);
    const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } });
    expect(textOf(r)).toMatch(/^unauthenticated/);
    expect(await auditRecords(h, PLATFORM_STREAM)).toEqual([expect.objectContaining({ decision: "deny", action: "read:costs:mcp.get_costs", details: expect.objectContaining({ reason: "no-credentials" }) })]);
  });

  it("rate-limits per tenant with the platform's limiter, and audits the refusal", async () => {
    await h.close();
    h = await harness({ points: 3 });
    const a = await h.connect(authInfoOf(principal({ tenantId: "t1", id: "alice" })));
    const b = await h.connect(authInfoOf(principal({ tenantId: "t1", id: "bob" })));
    const args = { name: "list_budgets", arguments: {} };
    for (let i = 0; i < 2; i++) expect((await a.callTool(args)).isError).toBeFalsy();
    expect((await b.callTool(args)).isError).toBeFalsy();
    const limited = await b.callTool(args);
    expect(textOf(limited)).toMatch(/^rate limited: .* retry after \d+ s/);
    // Another tenant has its own bucket.
    expect((await (await h.connect(authInfoOf(principal({ tenantId: "t2" })))).callTool(args)).isError).toBeFalsy();
    const last = (await auditRecords(h, tenantStream("t1"))).at(-1);
    expect(last).toMatchObject({ decision: "deny", details: { stage: "rate-limit", reason: "rate-limited" } });
  });

  it("audits every call (tool, argument hash, tenant, client, size, latency, outcome) and the chain verifies", async () => {
    const client = await h.connect(viewer);
    let calls = 0;
    for (const [name, list] of Object.entries(TOOL_CALLS)) {
      for (const args of list) {
        await client.callTool({ name, arguments: args });
        calls++;
      }
    }
    await client.callTool({ name: "get_costs", arguments: { start: "bad" } });
    calls++;
    const records = await auditRecords(h, tenantStream("t1"));
    expect(records).toHaveLength(calls);
    for (const r of records) {
      expect(r.tenantId).toBe("t1");
      expect(r.details).toMatchObject({ client: "test-client", argsHash: expect.stringMatching(/^[0-9a-f]{64}$/), resultBytes: expect.any(Number), latencyMs: expect.any(Number) });
    }
    expect(records.filter((r) => r.outcome === "failure")).toHaveLength(1);
    expect(await h.audit.verifyAuditChain(tenantStream("t1"))).toMatchObject({ ok: true, count: calls });
  });

  it("offers the ledger schema and metric definitions as resources, and the triage and review prompts", async () => {
    const client = await h.connect(viewer);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(["costmon://metrics/definitions", "costmon://schema/ledger"]);
    const read = async (uri: string) => JSON.parse(((await client.readResource({ uri })).contents[0] as { text: string }).text);
    const schema = await read("costmon://schema/ledger");
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["billed_cost", "effective_cost", "charge_category"]));
    const defs = await read("costmon://metrics/definitions");
    expect(defs.effectiveCost).toMatch(/Net cost/);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(["anomaly_triage", "monthly_review"]);
    const review = await client.getPrompt({ name: "monthly_review", arguments: { month: "2026-03" } });
    expect((review.messages[0]!.content as { text: string }).text).toMatch(/Review costs for 2026-03\. Call get_costs/);
  });
});
