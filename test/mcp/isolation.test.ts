import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOLS } from "#entrypoints/mcp/server.js";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { tenantStream } from "#foundation/secops/audit-log.js";
import { type App, startApp } from "../entrypoints/support/app-harness.js";
import { fakeVerifier } from "../entrypoints/support/fake-id-tokens.js";
import { FORGED_TENANT_KEYS, OTHER_PROTOCOL_SUITES } from "../integration/support/isolation-cases.js";
import { httpClient, mcpToken, PROJECT } from "./http-support.js";
import { seedTenant, TOOL_CALLS } from "./support.js";

/**
 * Tenant isolation of the deployed `mcp` function: holders of tenant A's credentials (a viewer's
 * and an MFA admin's ID token, an API key with every read skill) call every tool over HTTP with
 * the SDK's client: valid arguments, every forged tenant key, the victim's document ids and
 * cursors, and the victim's own dimension values as filters. No answer may carry anything of B's
 * (its marker, its amount, its tenant id), B's data must be unchanged, and every attempt must
 * be on A's audit chain, which verifies.
 */
const A = "tenant-a";
const B = "tenant-b";
const MARK_B = "MARK-B-7f3c";
const AMOUNT_B = "777.777";
const ROUNDS = 4;

describe("MCP tenant isolation over HTTP", () => {
  let app: App;
  let url: string;
  let attackers: Record<string, Record<string, string>>;
  let victimCursors: string[];
  let before: string;

  const snapshotB = async () => {
    const docs = [];
    for (const c of ["anomalies", "forecasts", "budgets", "recommendations"]) docs.push((await app.documents.list(`tenants/${B}/${c}`, { limit: 1000 })).docs);
    return JSON.stringify({ docs, totals: await app.warehouse.totals(B) });
  };

  beforeAll(async () => {
    app = await startApp(
      { verifyIdToken: fakeVerifier, rateLimiter: createRateLimiter({ points: 1e9 }), bruteForce: createBruteForceGuard({ maxFailures: 1e9 }) },
      { COSTMON_PROJECT_ID: PROJECT },
    );
    const { getDeps } = await import("../../functions/src/deps.js");
    const deps = await getDeps();
    const h = { documents: app.documents, warehouse: app.warehouse as never, deps: { warehouse: app.warehouse, documents: app.documents, llmLedger: deps.llmLedger } };
    await seedTenant(h, A, "MARK-A-5e1d", "111.111");
    await seedTenant(h, B, MARK_B, AMOUNT_B);
    await app.documents.set(`tenants/${B}/forecasts/only-${B}`, { seriesKey: `only-${B}`, note: MARK_B });
    victimCursors = [];
    for (const c of ["anomalies", "budgets"]) {
      const next = (await app.documents.list(`tenants/${B}/${c}`, { limit: 1 })).next;
      if (next) victimCursors.push(next);
    }
    const key = (await deps.apiKeys.create(A, { name: "reader", skills: ["costs", "anomalies", "forecasts", "budgets", "recommendations", "llm-usage"], zones: ["prod", "nonprod"], trustLevel: 2 }, "admin")).key;
    attackers = {
      viewer: { authorization: `Bearer ${mcpToken({ uid: "viewer-a", tenantId: A, trustLevel: 1, zones: ["nonprod", "prod"] })}` },
      admin: { authorization: `Bearer ${mcpToken({ uid: "admin-a", tenantId: A, trustLevel: 4, zones: ["nonprod", "prod", "admin"], mfa: true })}` },
      apiKey: { "x-api-key": key },
    };
    url = await app.url("mcp");
    before = await snapshotB();
  }, 120_000);
  afterAll(async () => app?.close());

  /** Every attempt one attacker makes in one round. */
  function attempts(): { name: string; arguments: Record<string, unknown> }[] {
    const out: { name: string; arguments: Record<string, unknown> }[] = [];
    for (const [name, list] of Object.entries(TOOL_CALLS)) for (const args of list) out.push({ name, arguments: args });
    for (const t of TOOLS) {
      const base = TOOL_CALLS[t.name]![0]!;
      for (const k of FORGED_TENANT_KEYS) out.push({ name: t.name, arguments: { ...base, [k]: B } });
    }
    out.push({ name: "get_forecast", arguments: { series_key: `only-${B}` } });
    for (const cursor of victimCursors) {
      out.push({ name: "list_anomalies", arguments: { cursor } }, { name: "list_budgets", arguments: { cursor } });
    }
    out.push({ name: "list_tag_values", arguments: { start: "2026-01-01", end: "2026-12-31", tag_key: MARK_B } });
    out.push({ name: "compare_costs", arguments: { start: "2026-03-01", end: "2026-03-31", by: "account", view: "rows" } });
    return out;
  }

  it(`leaks nothing of another tenant through any tool (≥ 1,000 attempts), and audits every one`, async () => {
    let total = 0;
    const leaks: string[] = [];
    const tools = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [who, headers] of Object.entries(attackers)) {
        const client: Client = await httpClient(url, headers, `attacker-${who}`);
        try {
          const list = attempts();
          for (let i = 0; i < list.length; i += 8) {
            await Promise.all(
              list.slice(i, i + 8).map(async (call) => {
                const r = await client.callTool(call);
                // What the attacker sent may come back (an id in a not-found, a filter echoed): only the rest counts.
                let text = JSON.stringify(r);
                for (const v of Object.values(call.arguments)) if (typeof v === "string") text = text.split(v).join("<sent>");
                total++;
                tools.add(call.name);
                if (text.includes(MARK_B) || text.includes(AMOUNT_B) || text.includes(B)) leaks.push(`${who} ${call.name} ${JSON.stringify(call.arguments)}: ${text.slice(0, 300)}`);
              }),
            );
          }
        } finally {
          await client.close();
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(1000);
    expect([...tools].sort()).toEqual(TOOLS.map((t) => t.name).sort());
    expect(await snapshotB()).toBe(before);
    // Every attempt is on A's chain (none on B's), and the chain verifies.
    const { getDeps } = await import("../../functions/src/deps.js");
    const { audit } = await getDeps();
    const verified = await audit.verifyAuditChain(tenantStream(A));
    expect(verified).toMatchObject({ ok: true, count: total });
    expect(await app.documents.get(`audit_heads/${encodeURIComponent(tenantStream(B))}`)).toBeNull();
    console.log(JSON.stringify({ suite: "mcp-isolation", attempts: total, audited: verified.count }));
  }, 300_000);

  it("would see a leak: B's own credential gets B's marker back (the detector's control)", async () => {
    const client = await httpClient(url, { authorization: `Bearer ${mcpToken({ uid: "viewer-b", tenantId: B, trustLevel: 1, zones: ["prod"] })}` });
    try {
      const r = await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], view: "rows" } });
      expect(JSON.stringify(r)).toContain(MARK_B);
      expect(JSON.stringify(r)).toContain(AMOUNT_B);
    } finally {
      await client.close();
    }
  });

  it("is the suite the isolation cases name for mcp", () => {
    expect(OTHER_PROTOCOL_SUITES.mcp).toBe("test/mcp/isolation.test.ts");
  });
});
