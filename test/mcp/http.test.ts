import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { PLATFORM_STREAM, tenantStream } from "#foundation/secops/audit-log.js";
import { type App, startApp } from "../entrypoints/support/app-harness.js";
import { fakeVerifier } from "../entrypoints/support/fake-id-tokens.js";
import { httpClient, mcpToken, PROJECT } from "./http-support.js";
import { seedTenant, textOf } from "./support.js";

/**
 * The deployed `mcp` function served by functions-framework (through the edge server, as a
 * deployed instance runs it), spoken to by the SDK's StreamableHTTPClientTransport.
 */
describe("mcp over Streamable HTTP (functions-framework, the SDK's HTTP client)", () => {
  let app: App;
  let url: string;
  const viewer = { authorization: `Bearer ${mcpToken({ uid: "viewer-a", tenantId: "t1", trustLevel: 1, zones: ["nonprod", "prod"] })}` };
  let costsKey: string;

  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier, rateLimiter: createRateLimiter({ points: 1e9 }) }, { COSTMON_PROJECT_ID: PROJECT });
    const { getDeps } = await import("../../functions/src/deps.js");
    const deps = await getDeps();
    await seedTenant({ documents: app.documents, warehouse: app.warehouse as never, deps: { warehouse: app.warehouse, documents: app.documents, llmLedger: deps.llmLedger } }, "t1", "MARK-ONE");
    costsKey = (await deps.apiKeys.create("t1", { name: "bot", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "admin")).key;
    url = await app.url("mcp");
  }, 60_000);
  afterAll(async () => app?.close());

  const auditOf = async (stream: string) =>
    (await app.documents.list(`audit_streams/${encodeURIComponent(stream)}/records`, { limit: 10_000 })).docs.map((d) => d.data as { action: string; decision: string; actor: string; details: Record<string, unknown> });

  it("publishes RFC 9728 protected-resource metadata naming Firebase Auth as the authorization server", async () => {
    const res = await fetch(new URL(".well-known/oauth-protected-resource", url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      resource: url,
      authorization_servers: [`https://securetoken.google.com/${PROJECT}`],
      bearer_methods_supported: ["header"],
      scopes_supported: [],
      resource_name: expect.any(String),
    });
  });

  it("answers 401 with the metadata challenge without a credential, or with a token of another audience; both audited", async () => {
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "0" } } };
    const send = (headers: Record<string, string>) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(init) });
    const none = await send({});
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${url}.well-known/oauth-protected-resource"`);
    const other = await send({ authorization: `Bearer ${mcpToken({ uid: "viewer-a", tenantId: "t1", trustLevel: 1, zones: ["prod"] }, "another-project")}` });
    expect(other.status).toBe(401);
    expect(other.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token", resource_metadata=/);
    const denied = (await auditOf(PLATFORM_STREAM)).filter((r) => r.action === "read:costs:mcp");
    expect(denied.map((r) => r.details.reason)).toEqual(expect.arrayContaining(["no-credentials", "id-token-wrong-audience"]));
    expect(denied.every((r) => r.decision === "deny")).toBe(true);
    expect((await fetch(url, { method: "GET" })).status).toBe(405);
  });

  it("refuses a browser origin that is not allowed (DNS rebinding), before reading any credential", async () => {
    const res = await fetch(url, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json", accept: "application/json, text/event-stream", ...viewer }, body: "{}" });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "origin_not_allowed" });
  });

  it("serves the tools to a verified ID token, for the token's tenant only", async () => {
    const client = await httpClient(url, viewer);
    try {
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(9);
      const body = JSON.parse(textOf(await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } })));
      expect(body).toMatchObject({ tenant: "t1", totals: [{ currency: "USD", billedCost: "15.5", effectiveCost: "10.5", creditsApplied: true }] });
      const forged = await client.callTool({ name: "list_budgets", arguments: { tenantId: "t2" } });
      expect(forged.isError).toBe(true);
    } finally {
      await client.close();
    }
    const records = await auditOf(tenantStream("t1"));
    expect(records.find((r) => r.action === "read:costs:mcp.get_costs")).toMatchObject({ decision: "allow", actor: "user:viewer-a", details: { client: expect.stringMatching(/node|undici|mcp/i) } });
  });

  it("accepts an API key and applies its skill scope like the callables", async () => {
    const client = await httpClient(url, { "x-api-key": costsKey });
    try {
      expect((await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } })).isError).toBeFalsy();
      const denied = await client.callTool({ name: "list_anomalies", arguments: {} });
      expect(textOf(denied)).toMatch(/permission denied \(skill-not-in-key-scope\)/);
    } finally {
      await client.close();
    }
    const records = await auditOf(tenantStream("t1"));
    expect(records.find((r) => r.action === "read:anomalies:mcp.list_anomalies")).toMatchObject({ decision: "deny", actor: expect.stringMatching(/^apiKey:cm_/), details: { reason: "skill-not-in-key-scope" } });
  });
});
