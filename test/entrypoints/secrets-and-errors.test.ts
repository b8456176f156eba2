import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CostWarehouse } from "#domain/billing/ports.js";
import { MemoryCostWarehouse } from "../fakes/memory-cost-warehouse.js";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, fakeVerifier } from "./support/fake-id-tokens.js";

/**
 * Secrets never reach a log line or a response; unknown errors become `internal` with their message
 * hidden from the caller and their cause logged; logs carry the request's trace.
 */
const T = "tenant-secrets";
const CANARY = "CANARY-9f8e7d6c5b4a";
const admin = bearer({ uid: "sec-admin", tenantId: T, trustLevel: 4, mfa: true, zones: ["nonprod", "prod", "admin"] });

function captureProcessOutput(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(String(chunk));
    return out(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(String(chunk));
    return err(chunk, ...rest);
  }) as typeof process.stderr.write;
  return {
    lines,
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}

describe("secrets in logs and responses", () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier });
  });
  afterAll(async () => app.close());

  it("never writes the canary credential, webhook or API key to any log line or response", async () => {
    // Prepare
    const captured = captureProcessOutput();
    const bodies: string[] = [];
    const call = async (name: string, data: unknown, headers: Record<string, string> = admin) => {
      const r = await app.call(name, data, headers);
      bodies.push(JSON.stringify(r.body));
      return r;
    };
    try {
      // Act: every path a secret travels
      await call("connectCloudAccount", { accountId: "acct-1", provider: "gcp", billingAccountId: "b", subAccountId: "p", environment: "prod", credentials: { private_key: `-----BEGIN PRIVATE KEY-----${CANARY}-----END PRIVATE KEY-----`, client_email: "sa@x" } });
      await call("connectCloudAccount", { provider: "gcp", billingAccountId: "b", subAccountId: "p", environment: "nowhere", credentials: { token: CANARY } });
      await call("upsertAlertChannel", { id: "slack-1", kind: "slack", secret: `https://hooks.slack.com/services/T000/B000/${CANARY}` });
      await call("upsertAlertChannel", { id: "pd-1", kind: "pagerduty", secret: `${CANARY}-not-a-routing-key` });
      await call("testAlertChannel", { id: "slack-1" });
      await call("listCloudAccounts", {});
      const created = await app.call("createApiKey", { name: "ci", skills: ["llm-usage"], zones: ["prod"], trustLevel: 2 }, admin);
      const key = (created.body.result as { key: string }).key;
      const llm = { eventId: "e1", provider: "openai", model: "gpt-4o", outputTokens: 1, requestedAt: "2026-03-01T10:00:00Z" };
      await call("recordLlmUsage", { ...llm, inputTokens: 1 }, { "x-api-key": key });
      await call("recordLlmUsage", { ...llm, inputTokens: -1 }, { "x-api-key": key });
      await call("listBudgets", {}, { "x-api-key": `${key}x` });
      // Assess
      const everything = [...app.logs, ...captured.lines, ...bodies].join("\n");
      expect(app.logs.length).toBeGreaterThan(20);
      expect(everything).not.toContain(CANARY);
      expect(everything).not.toContain(key);
      expect(await app.secrets.get(`cloud-creds/${T}/acct-1`)).toContain(CANARY);
      expect(JSON.stringify(await app.documents.get(`tenants/${T}/cloud_accounts/acct-1`))).not.toContain(CANARY);
      expect(JSON.stringify(await app.documents.get(`tenants/${T}/alert_channels/slack-1`))).not.toContain(CANARY);
    } finally {
      captured.restore();
    }
  });

  it("stores API keys only as a hash with a visible prefix", async () => {
    const created = await app.call("createApiKey", { name: "hash-check", skills: ["costs"], zones: ["prod"] }, admin);
    const { key, prefix } = created.body.result as { key: string; prefix: string };
    const stored = (await app.documents.list(`tenants/${T}/api_keys`, { limit: 100 })).docs.find((d) => d.data.prefix === prefix);
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(stored?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key.slice(prefix.length + 1));
  });
});

describe("unknown errors and trace context", () => {
  let app: App;
  const failing: CostWarehouse = Object.assign(new MemoryCostWarehouse(), {
    queryDaily: async () => {
      throw new Error("connection to /var/run/internal.sock refused");
    },
  });
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier, warehouse: failing });
  });
  afterAll(async () => app.close());

  it("answers internal with the message hidden and logs the cause", async () => {
    // Act
    const r = await app.call("getCostSummary", { start: "2026-01-01", end: "2026-01-02" }, admin);
    // Assess
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: { status: "INTERNAL", message: "INTERNAL" } });
    const logged = app.logs.find((l) => l.includes('"severity":"ERROR"') && l.includes("call failed"));
    expect(logged).toContain("internal.sock");
  });

  it.each([
    ["traceparent", { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"],
    ["X-Cloud-Trace-Context", { "x-cloud-trace-context": "105445aa7843bc8bf206b12000100000/1;o=1" }, "105445aa7843bc8bf206b12000100000", "0000000000000001"],
  ])("labels every log line of the request with the %s trace", async (_h, headers, traceId, spanId) => {
    const before = app.logs.length;
    await app.call("listBudgets", {}, { ...admin, ...headers });
    const lines = app.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l["logging.googleapis.com/trace"]).toBe(`projects/demo-test/traces/${traceId}`);
      expect(l["logging.googleapis.com/spanId"]).toBe(spanId);
      expect(l.severity).toMatch(/^(DEBUG|INFO|NOTICE|WARNING|ERROR)$/);
      expect((l["logging.googleapis.com/labels"] as Record<string, string>).function).toBe("listBudgets");
    }
  });
});
