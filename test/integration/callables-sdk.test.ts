import fc from "fast-check";
import { FunctionsError } from "firebase/functions";
import type { CallableFunction } from "#foundation/pipeline/define-pipeline.js";
import { malformedFor } from "../entrypoints/support/malformed.js";
import { signOut } from "firebase/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, startApp } from "../entrypoints/support/app-harness.js";
import { costRow, seedTenantDocs } from "../entrypoints/support/seed.js";
import { closeAdmin, createUser, type SignedIn, signIn, signInWithPhoneMfa } from "./support/emulator-users.js";

/**
 * The real Firebase JS SDK (httpsCallableFromURL) against the callables served by functions-framework,
 * with users of the Auth emulator whose custom claims were set by firebase-admin; the server verifies
 * their ID tokens with firebase-admin (emulator mode).
 */
const T = "tenant-sdk";
const claims = (trustLevel: number, zones = ["nonprod", "prod"]) => ({ tenantId: T, trustLevel, zones });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof FunctionsError) return err.code;
    throw err;
  }
}

describe("callables through the Firebase client SDK and the Auth emulator", () => {
  let app: App;
  let viewer: SignedIn;
  let managerNoMfa: SignedIn;
  let unprovisioned: SignedIn;
  let managerMfaToken: string;
  let adminMfaToken: string;

  beforeAll(async () => {
    app = await startApp({}, { COSTMON_PROJECT_ID: "demo-test", COSTMON_SERVER_CORS_ORIGINS: "*" });
    await seedTenantDocs(app.documents, T);
    await app.warehouse.upsert(T, [costRow(T, "2026-01-01"), costRow(T, "2026-01-02", { provider: "aws", billed_cost: "1.25" })]);
    await createUser({ email: "viewer@sdk.test", claims: claims(1) });
    await createUser({ email: "manager@sdk.test", claims: claims(3), phone: "+15555550100" });
    await createUser({ email: "admin@sdk.test", claims: { ...claims(4, ["nonprod", "prod", "admin"]) }, phone: "+15555550101" });
    await createUser({ email: "nobody@sdk.test", claims: {} });
    viewer = await signIn("viewer@sdk.test");
    unprovisioned = await signIn("nobody@sdk.test");
    managerMfaToken = await signInWithPhoneMfa("manager@sdk.test");
    adminMfaToken = await signInWithPhoneMfa("admin@sdk.test");
    // The client SDK cannot finish a second factor in Node, so this sign-in is password-only.
    managerNoMfa = await signIn("viewer@sdk.test");
  });

  afterAll(async () => {
    for (const u of [viewer, managerNoMfa, unprovisioned]) await u?.close();
    await closeAdmin();
    await app?.close();
  });

  it("returns the viewer's tenant costs, grouped by provider and month", async () => {
    // Prepare
    const getCostSummary = viewer.callable<{ rows: { period: string; dims: { provider: string }; billedCost: string }[]; totals: unknown[] }>(
      await app.url("getCostSummary"),
    );
    // Act
    const { data } = await getCostSummary({ start: "2026-01-01", end: "2026-01-31", groupBy: ["provider"], granularity: "monthly" });
    // Assess
    expect(data.rows).toEqual([
      { period: "2026-01", dims: { provider: "aws" }, currency: "USD", billedCost: "1.25", effectiveCost: "9.25" },
      { period: "2026-01", dims: { provider: "gcp" }, currency: "USD", billedCost: "10.5", effectiveCost: "9.25" },
    ]);
    expect(data.totals).toEqual([{ currency: "USD", billedCost: "11.75", effectiveCost: "18.5" }]);
  });

  it.each([
    ["listAnomalies", {}],
    ["listBudgets", {}],
    ["getForecast", {}],
    ["listCloudAccounts", {}],
    ["getLlmUsage", { start: "2026-01-01", end: "2026-01-31" }],
    ["getSession", {}],
    ["listWorkspaces", {}],
    ["saveWorkspace", { name: "my view", visibility: "private", view: { groupBy: "service" } }],
  ])("lets a viewer call %s", async (name, data) => {
    const call = viewer.callable(await app.url(name));
    expect(await codeOf(call(data))).toBe("ok");
  });

  it("answers a viewer's write with permission-denied", async () => {
    const call = viewer.callable(await app.url("upsertBudget"));
    expect(await codeOf(call({ id: "b1", name: "Q1", amount: "100", period: "monthly" }))).toBe("functions/permission-denied");
  });

  it("maps invalid input to invalid-argument with the offending path", async () => {
    const call = viewer.callable(await app.url("getCostSummary"));
    try {
      await call({ start: "2026-02-30", end: "2026-01-01", tenantId: "other" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FunctionsError);
      const e = err as FunctionsError;
      expect(e.code).toBe("functions/invalid-argument");
      expect(JSON.stringify(e.details)).toContain("tenantId");
    }
  });

  it("refuses a user without tenant claims", async () => {
    const call = unprovisioned.callable(await app.url("listBudgets"));
    expect(await codeOf(call({}))).toBe("functions/permission-denied");
  });

  it("refuses a signed-out client with unauthenticated", async () => {
    const client = await signIn("viewer@sdk.test");
    await signOut(client.auth);
    const call = client.callable(await app.url("listBudgets"));
    expect(await codeOf(call({}))).toBe("functions/unauthenticated");
    await client.close();
  });

  it("needs the second factor for trust level 3 (password-only manager sign-in is treated as 2)", async () => {
    // Prepare: a manager signed in with a password only
    await createUser({ email: "manager2@sdk.test", claims: claims(3) });
    const client = await signIn("manager2@sdk.test");
    const call = client.callable(await app.url("upsertBudget"));
    // Act
    let details: unknown;
    const code = await codeOf(
      call({ id: "b2", name: "Q2", amount: "100", period: "monthly" }).catch((e: FunctionsError) => {
        details = e.details;
        throw e;
      }),
    );
    // Assess
    expect(code).toBe("functions/permission-denied");
    expect(details).toEqual({ reason: "mfa-required" });
    await client.close();
  });

  it("accepts the manager's phone-MFA token (emulator REST flow) for writes", async () => {
    const r = await app.call("upsertBudget", { id: "b3", name: "Q3 prod", amount: "250.50", period: "monthly" }, { authorization: `Bearer ${managerMfaToken}` });
    expect(r.status).toBe(200);
    expect(await app.documents.get(`tenants/${T}/budgets/b3`)).toMatchObject({ amount: "250.50" });
  });

  it("creates an API key (admin with MFA), uses it for recordLlmUsage, then revokes it", async () => {
    // Prepare
    const admin = { authorization: `Bearer ${adminMfaToken}` };
    const created = await app.call("createApiKey", { name: "ingest", skills: ["llm-usage"], zones: ["prod"], trustLevel: 2 }, admin);
    expect(created.status).toBe(200);
    const { key, prefix } = created.body.result as { key: string; prefix: string };
    // Act
    // The harness clock, not the wall clock: usage older than the accepted window is refused.
    const requestedAt = app.clock.now().toISOString();
    const used = await app.call("recordLlmUsage", { eventId: "sdk-1", provider: "openai", model: "gpt-4o", inputTokens: 1000, outputTokens: 500, requestedAt }, { "x-api-key": key });
    const revoked = await app.call("revokeApiKey", { prefix }, admin);
    const after = await app.call("recordLlmUsage", { eventId: "sdk-2", provider: "openai", model: "gpt-4o", inputTokens: 1, outputTokens: 1, requestedAt }, { "x-api-key": key });
    // Assess: 1000 × 2.50 + 500 × 10.00 USD per million tokens
    expect(used.body.result).toMatchObject({ accepted: 1, costUsd: "0.0075" });
    expect(revoked.status).toBe(200);
    expect(after.body.error?.status).toBe("UNAUTHENTICATED");
    const day = requestedAt.slice(0, 10);
    const usage = await viewer.callable<{ totals: { events: number } }>(await app.url("getLlmUsage"))({ start: day, end: day });
    expect(usage.data.totals.events).toBe(1);
  });

  it.each([
    ["getCostSummary", { start: "2026-01-01", end: "2026-01-31" }],
    ["saveWorkspace", { name: "v", visibility: "private" }],
    ["getLlmUsage", { start: "2026-01-01", end: "2026-01-31" }],
  ])("answers malformed %s payloads from the real SDK with a 4xx code, never internal", async (name, valid) => {
    // Prepare
    const entry = (await import("../../functions/src/index.js")).functions as unknown as Record<string, CallableFunction>;
    const schema = (entry[name] as CallableFunction).inputSchema;
    const call = viewer.callable(await app.url(name));
    const codes = new Set<string>();
    // Act
    await fc.assert(
      fc.asyncProperty(malformedFor(schema, valid), async (data) => {
        const code = await codeOf(call(data));
        codes.add(code);
        return code === "functions/invalid-argument";
      }),
      { numRuns: 25, seed: 7 },
    );
    // Assess
    expect([...codes]).toEqual(["functions/invalid-argument"]);
  });

  it("answers the browser preflight with CORS headers", async () => {
    const res = await app.raw("getCostSummary", {
      method: "OPTIONS",
      headers: { origin: "https://dash.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://dash.example");
    expect(res.headers.get("access-control-allow-headers")).toContain("Authorization");
  });
});
