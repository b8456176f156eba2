import { FunctionsError } from "firebase/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentData } from "#kernel/ports.js";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { type App, startApp, startShippedApp } from "../entrypoints/support/app-harness.js";
import { costRow, seedTenantDocs } from "../entrypoints/support/seed.js";
import { startFirestoreEmulator } from "./support/firestore-emulator.js";
import { closeAdmin, createUser, type SignedIn, signIn, signInWithPhoneMfa } from "./support/emulator-users.js";
import { CASES, type CallableCase, FORGED_TENANT_KEYS, type Status, VALID_STATUS, type VictimIds } from "./support/isolation-cases.js";

/**
 * Tenant isolation: users of tenant A (an admin with MFA, a viewer through the real client SDK)
 * and the holder of tenant B's API key try to reach the other tenant's data through every
 * callable: forged tenant fields in `data`, `asTenant` without being a platform admin, the other
 * tenant's document ids (its documents, its API key prefix, a live session of one of its users,
 * list cursors minted on its collections), a forged tenant header, revoked and tampered API keys.
 * Every attempt's code is asserted; no response may contain the victim's marker; the victim's
 * documents, API keys (the `api_key_index` too), secrets and ledger must be byte-identical
 * afterwards. It runs twice: on the in-memory fakes, and on the stores a deployed instance ships
 * with (the local runtime's DuckDB documents and ledger and its file secret store, built by the
 * composition root), and with the deployed document store, Firestore on the official emulator.
 * Forged, unsigned and expired ID tokens are in isolation-forged-tokens.test.ts (they need the
 * production verification path).
 */
const A = "tenant-a";
const B = "tenant-b";
const MARK: Record<string, string> = { [A]: "MARK-A-5e1d", [B]: "MARK-B-7f3c" };
/** Each tenant's marker row in the ledger has its own amount, so a leaked total is recognizable. */
const AMOUNT: Record<string, string> = { [A]: "111.111", [B]: "777.777" };
const COLLECTIONS = ["anomalies", "forecasts", "budgets", "cloud_accounts", "alert_channels", "workspaces", "api_keys", "llm_usage_daily", "sessions", "memory"];

interface Attempt {
  who: string;
  callable: string;
  variant: string;
  expected: Status;
  send: () => Promise<{ status: string; text: string }>;
}

async function snapshot(app: App, t: string): Promise<string> {
  const out: Record<string, DocumentData | null> = { [`tenants/${t}`]: await app.documents.get(`tenants/${t}`) };
  for (const c of COLLECTIONS) {
    for (const d of (await app.documents.list(`tenants/${t}/${c}`, { limit: 10_000 })).docs) out[d.path] = d.data;
  }
  // The one-read lookup index of API keys lives outside the tenant subtree: revocation marks it first.
  for (const d of (await app.documents.list("api_key_index", { limit: 10_000 })).docs) if (d.data.tenantId === t) out[d.path] = d.data;
  const secrets = [`cloud-creds/${t}/acct-${t}`, `cloud-creds/${t}/acct2-${t}`, `alert-secrets/${t}/chan-${t}`];
  const secretValues = await Promise.all(secrets.map((s) => app.secrets.get(s)));
  return JSON.stringify({ out, secretValues, totals: await app.warehouse.totals(t), days: await app.warehouse.days(t) });
}

async function seed(app: App, t: string): Promise<void> {
  const m = MARK[t] as string;
  await seedTenantDocs(app.documents, t);
  await app.documents.set(`tenants/${t}/forecasts/only-${t}`, { seriesKey: `only-${t}`, note: m });
  await app.documents.set(`tenants/${t}/budgets/budget2-${t}`, { id: `budget2-${t}`, name: m, amount: "5", period: "monthly" });
  await app.documents.set(`tenants/${t}/cloud_accounts/acct2-${t}`, { provider: "aws", displayName: m, billingAccountId: "b", subAccountId: "s", environment: "nonprod" });
  await app.documents.set(`tenants/${t}/alert_channels/chan2-${t}`, { id: `chan2-${t}`, tenantId: t, kind: "console", name: m, enabled: true, rules: [] });
  await app.documents.set(`tenants/${t}/workspaces/ws2-${t}`, { id: `ws2-${t}`, tenantId: t, ownerId: "x", name: m, visibility: "public", sharedWith: [], view: {} });
  await app.documents.set(`tenants/${t}/anomalies/anom-${t}`, { seriesKey: "tenant", status: "open", severity: "high", note: m, feedback: null });
  await app.documents.set(`tenants/${t}/anomalies/anom2-${t}`, { seriesKey: "tenant", status: "open", severity: "low", note: m, feedback: null });
  await app.documents.set(`tenants/${t}/llm_usage_daily/2026-01-05~gpt-4o`, { day: "2026-01-05", model: "gpt-4o", calls: 1, inputTokens: 1, outputTokens: 1, cachedTokens: 0, reasoningTokens: 0, costUsd: "0.001", marker: m });
  await app.secrets.put(`cloud-creds/${t}/acct-${t}`, JSON.stringify({ private_key: `${m}-secret` }));
  await app.warehouse.upsert(t, [costRow(t, "2026-01-03", { service_name: m, billed_cost: AMOUNT[t] as string })]);
}

/** The victim's run-time ids: a key of its own, a live session of one of its users, cursors on its lists. */
async function victimIds(app: App, t: string): Promise<VictimIds> {
  const { getDeps } = await import("../../functions/src/deps.js");
  const deps = await getDeps();
  const key = await deps.apiKeys.create(t, { name: "victim-key", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, `admin-${t}`);
  const { session } = await deps.sessions.touch({ id: `victim-user-${t}`, tenantId: t, authTime: 1_772_000_000 });
  const cursors: VictimIds["cursors"] = {};
  for (const c of ["anomalies", "budgets", "cloud_accounts"] as const) {
    const next = (await app.documents.list(`tenants/${t}/${c}`, { limit: 1 })).next;
    if (!next) throw new Error(`no cursor on ${t}'s ${c}: seed at least two`);
    cursors[c] = next;
  }
  return { apiKeyPrefix: key.record.prefix, sessionId: session.id, cursors };
}

async function pool<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (i < items.length) await fn(items[i++] as T);
  }));
}

/** The deployed document store: Firestore (the official emulator), with the shipped ledger and secrets. */
async function startFirestoreApp(...args: Parameters<typeof startShippedApp>): Promise<App> {
  const [over = {}, env = {}] = args;
  const emu = await startFirestoreEmulator();
  const documents = new FirestoreDocumentStore({ projectId: "demo-isolation", emulatorHost: emu.host });
  const app = await startShippedApp({ ...over, documents }, env);
  return {
    ...app,
    async close() {
      await app.close();
      await documents.close();
      await emu.stop();
    },
  };
}

const STORES = [
  ["the in-memory fakes", startApp],
  ["the shipped DuckDB stores", startShippedApp],
  ["Firestore (the official emulator)", startFirestoreApp],
] as const;

describe.each(STORES)("tenant isolation across every callable, on %s", (_stores, start) => {
  let app: App;
  const ids: Record<string, VictimIds> = {};
  let viewer: SignedIn;
  let adminToken: string;
  let bKey: string;
  let bRevokedKey: string;
  let bKeyPrefix: string;
  const attempts: Attempt[] = [];

  beforeAll(async () => {
    // Limits off here: this suite counts refusals by isolation; limits have their own tests.
    app = await start(
      { rateLimiter: createRateLimiter({ points: 1e9 }), bruteForce: createBruteForceGuard({ maxFailures: 1e9 }) },
      { COSTMON_PROJECT_ID: "demo-test" },
    );
    await seed(app, A);
    await seed(app, B);
    ids[A] = await victimIds(app, A);
    ids[B] = await victimIds(app, B);
    await createUser({ email: "admin@a.test", claims: { tenantId: A, trustLevel: 4, zones: ["nonprod", "prod", "admin"] }, phone: "+15555550110" });
    await createUser({ email: "viewer@a.test", claims: { tenantId: A, trustLevel: 1, zones: ["nonprod", "prod"] } });
    adminToken = await signInWithPhoneMfa("admin@a.test");
    viewer = await signIn("viewer@a.test");
    // B's keys are made directly through the service, as B's admin would through createApiKey.
    const { getDeps } = await import("../../functions/src/deps.js");
    const deps = await getDeps();
    const made = await deps.apiKeys.create(B, { name: "b-ingest", skills: ["costs", "anomalies", "forecasts", "budgets", "llm-usage", "recommendations"], zones: ["prod", "nonprod"], trustLevel: 2 }, "b-admin");
    bKey = made.key;
    bKeyPrefix = made.record.prefix;
    const revoked = await deps.apiKeys.create(B, { name: "old", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "b-admin");
    await deps.apiKeys.revoke(B, revoked.record.prefix);
    bRevokedKey = revoked.key;
  });

  afterAll(async () => {
    await viewer?.close();
    await closeAdmin();
    await app?.close();
  });

  function viaFetch(headers: Record<string, string>) {
    return (name: string, data: unknown, extra: Record<string, string> = {}) => async () => {
      const r = await app.call(name, data, { ...headers, ...extra });
      return { status: r.body.error?.status ?? (r.status === 200 ? "OK" : `HTTP_${r.status}`), text: JSON.stringify(r.body) };
    };
  }

  function viaSdk(client: SignedIn) {
    return (name: string, data: unknown) => async () => {
      try {
        const r = await client.callable(await app.url(name))(data);
        return { status: "OK", text: JSON.stringify(r.data) };
      } catch (err) {
        if (!(err instanceof FunctionsError)) throw err;
        return { status: err.code.replace("functions/", "").toUpperCase().replace(/-/g, "_"), text: JSON.stringify({ m: err.message, d: err.details }) };
      }
    };
  }

  /** Whether an attacker with this trust reaches the callable's handler at all. */
  function allowed(c: CallableCase, who: "admin" | "viewer" | "key"): boolean {
    if (who === "admin") return true;
    if (who === "viewer") return c.needs === 1;
    return c.acceptsApiKey && c.needs !== "admin" && c.needs !== 3;
  }

  function plan(who: "admin" | "viewer" | "key", victim: string, call: (name: string, data: unknown, extra?: Record<string, string>) => () => Promise<{ status: string; text: string }>) {
    for (const c of CASES) {
      const gate: Status | null = who === "key" && !c.acceptsApiKey ? "UNAUTHENTICATED" : !allowed(c, who) ? "PERMISSION_DENIED" : null;
      const own = who === "key" ? B : A;
      const add = (variant: string, expected: Status, data: unknown, extra?: Record<string, string>) =>
        attempts.push({ who, callable: c.name, variant, expected, send: call(c.name, data, extra) });
      // The client SDK drops a `__proto__` member while encoding, so it never reaches the server.
      for (const k of FORGED_TENANT_KEYS.filter((key) => who !== "viewer" || key !== "__proto__")) {
        const data = JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(k === "__proto__" ? { tenantId: victim } : victim)}}`) as Record<string, unknown>;
        add(`forged ${k}`, gate ?? "INVALID_ARGUMENT", { ...c.valid(own), ...data });
        add(`forged nested ${k}`, gate ?? "INVALID_ARGUMENT", { ...c.valid(own), filter: { [k]: victim } });
      }
      add("asTenant victim", gate === "UNAUTHENTICATED" ? gate : "PERMISSION_DENIED", { ...c.valid(own), asTenant: victim });
      add("asTenant path", gate === "UNAUTHENTICATED" ? gate : "INVALID_ARGUMENT", { ...c.valid(own), asTenant: `../${victim}` });
      add("tenant header", gate ?? VALID_STATUS[c.name] ?? "OK", c.valid(own), { "x-tenant-id": victim, "x-goog-tenant": victim });
      // The admin's attempt saved a public view under this id in A first; a viewer may not overwrite it.
      const foreignStatus = who === "viewer" && c.name === "saveWorkspace" ? "PERMISSION_DENIED" : c.foreign?.status;
      if (c.foreign && foreignStatus) add("victim document id", gate ?? foreignStatus, c.foreign.input(victim, ids[victim] as VictimIds));
      add("path traversal id", gate ?? "INVALID_ARGUMENT", { ...c.valid(own), id: `../../tenants/${victim}/budgets/budget-${victim}` });
    }
  }

  it("refuses ≥ 1,000 cross-tenant attempts with the right code and leaks nothing", async () => {
    // Prepare
    const before = { [A]: await snapshot(app, A), [B]: await snapshot(app, B) };
    plan("admin", B, viaFetch({ authorization: `Bearer ${adminToken}` }));
    const adminPhase = attempts.length;
    plan("viewer", B, viaSdk(viewer));
    const aPhase = attempts.length;
    plan("key", A, viaFetch({ "x-api-key": bKey }));
    for (const c of CASES) {
      const tampered = `${bKey.slice(0, -1)}${bKey.endsWith("A") ? "B" : "A"}`;
      for (const [variant, key] of [["revoked key", bRevokedKey], ["tampered key", tampered], ["prefix only", bKeyPrefix], ["empty key", " "]] as const) {
        attempts.push({ who: "key", callable: c.name, variant, expected: "UNAUTHENTICATED", send: viaFetch({ "x-api-key": key })(c.name, c.valid(B)) });
      }
    }
    const results: { a: Attempt; status: string; text: string }[] = [];
    // Act: A's attackers first (B must not change), then B's key (A must not change)
    await pool(attempts.slice(0, adminPhase), 6, async (a) => {
      results.push({ a, ...(await a.send()) });
    });
    await pool(attempts.slice(adminPhase, aPhase), 6, async (a) => {
      results.push({ a, ...(await a.send()) });
    });
    const bAfterA = await snapshot(app, B);
    const aBefore2 = await snapshot(app, A);
    await pool(attempts.slice(aPhase), 6, async (a) => {
      results.push({ a, ...(await a.send()) });
    });
    const aAfterKey = await snapshot(app, A);
    // Assess
    expect(results.length).toBeGreaterThanOrEqual(1000);
    const wrong = results.filter((r) => r.status !== r.a.expected).map((r) => `${r.a.who} ${r.a.callable} [${r.a.variant}]: ${r.status} (expected ${r.a.expected}) ${r.text.slice(0, 160)}`);
    expect(wrong).toEqual([]);
    const victimOf = (r: { a: Attempt }) => (r.a.who === "key" ? A : B);
    const leaks = results.filter((r) => r.text.includes(MARK[victimOf(r)] as string) || r.text.includes(AMOUNT[victimOf(r)] as string));
    expect(leaks.map((l) => `${l.a.callable} [${l.a.variant}]`)).toEqual([]);
    expect(bAfterA).toBe(before[B]);
    expect(aAfterKey).toBe(aBefore2);
    expect(new Set(results.map((r) => r.a.callable)).size).toBe(CASES.length);
  });
});
