import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getCostSummary } from "#entrypoints/callable/get-cost-summary.js";
import { type AuditRecord, hashAuditRecord, tenantStream } from "#foundation/secops/audit-log.js";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, type FakeUser, fakeToken, fakeVerifier } from "./support/fake-id-tokens.js";
import { costRow, seedTenantDocs } from "./support/seed.js";

/**
 * The pipeline's rules through real entry points: layer order, rate limit and lockout, trust levels
 * and MFA, zones, platform admins acting on another tenant, sessions, and the audit chain.
 */
const T = "tenant-rules";
const U = (over: Partial<FakeUser> = {}): FakeUser => ({ uid: "viewer-1", tenantId: T, trustLevel: 1, zones: ["nonprod", "prod"], ...over });
const budget = { id: "b1", name: "Monthly cap", amount: "100", period: "monthly" };
const account = (environment: string) => ({
  provider: "gcp",
  billingAccountId: "0000-1111",
  subAccountId: "proj",
  environment,
  credentials: { client_email: "sa@p.iam.gserviceaccount.com" },
});

describe("pipeline rules", () => {
  let app: App;
  beforeAll(async () => {
    // dev.yaml raises the limit for local scripts; the production default is 100 per 60 s.
    app = await startApp({ verifyIdToken: fakeVerifier }, { COSTMON_RATE_LIMIT_POINTS: "100" });
  });
  beforeEach(async () => {
    await seedTenantDocs(app.documents, T);
    await app.warehouse.upsert(T, [costRow(T, "2026-01-05")]);
  });
  afterAll(async () => app.close());

  it("runs the layers in DESIGN.md §6 order", () => {
    expect(getCostSummary.layers).toEqual([
      "F7 config",
      "F3 request context",
      "error boundary",
      "callable envelope",
      "F4 audit",
      "F4 rate limit (source) + brute force",
      "F1 authenticate",
      "F4 rate limit (identity)",
      "F1 authorize",
      "F2 session + workspace",
      "F4 validation + injection",
      "handler",
    ]);
  });

  describe("F4 rate limit (100 per 60 s per identity and endpoint, overrides from config)", () => {
    it("refuses the 101st call in a minute, for that identity only, until tokens refill", async () => {
      // Prepare
      const who = bearer(U({ uid: "rl-user" }));
      for (let i = 0; i < 100; i++) expect((await app.call("listBudgets", {}, who)).status).toBe(200);
      // Act
      const refused = await app.call("listBudgets", {}, who);
      const other = await app.call("listBudgets", {}, bearer(U({ uid: "rl-other" })));
      const otherEndpoint = await app.call("listAnomalies", {}, who);
      app.clock.advance(1_000);
      const afterRefill = await app.call("listBudgets", {}, who);
      // Assess
      expect(refused.body.error).toMatchObject({ status: "RESOURCE_EXHAUSTED", details: { reason: "rate-limited" } });
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(other.status).toBe(200);
      expect(otherEndpoint.status).toBe(200);
      expect(afterRefill.status).toBe(200);
    });

    it("keys the limit on the verified identity: tokens that fail verification spend nobody's allowance", async () => {
      // Prepare: five expired tokens that claim viewer admin-a's uid, from five addresses
      for (let i = 0; i < 5; i++) {
        const forged = { authorization: `Bearer ${fakeToken(U({ uid: "admin-a", expired: true }))}`, "x-forwarded-for": `198.51.100.${20 + i}` };
        expect((await app.call("listAnomalies", {}, forged)).status).toBe(401);
      }
      // Act: admin-a's own allowance
      const codes: number[] = [];
      for (let i = 0; i < 100; i++) codes.push((await app.call("listAnomalies", {}, bearer(U({ uid: "admin-a" })))).status);
      // Assess
      expect(codes.filter((c) => c !== 200)).toEqual([]);
    });

    it("limits one source address before authentication to 10 times the endpoint's limit", async () => {
      // Prepare: testAlertChannel allows 5 per 60 s per identity, so 50 per source
      const src = { "x-forwarded-for": "192.0.2.44" };
      const codes: number[] = [];
      // Act: 11 managers behind one address, 5 calls each, within their own limits
      for (let u = 0; u < 11; u++) {
        const who = { ...src, ...bearer(U({ uid: `nat-${u}`, trustLevel: 3, mfa: true })) };
        for (let i = 0; i < 5; i++) codes.push((await app.call("testAlertChannel", { id: `chan-${T}` }, who)).status);
      }
      const elsewhere = await app.call("testAlertChannel", { id: `chan-${T}` }, { "x-forwarded-for": "192.0.2.45", ...bearer(U({ uid: "nat-0", trustLevel: 3, mfa: true })) });
      // Assess
      expect(codes.slice(0, 50).every((c) => c === 200)).toBe(true);
      expect(codes.slice(50)).toEqual([429, 429, 429, 429, 429]);
      expect(elsewhere.status).toBe(429); // nat-0's own bucket (5) was spent behind the NAT
    });

    it("applies the per-endpoint override of config/base.yaml (testAlertChannel: 5 per 60 s)", async () => {
      const mgr = bearer(U({ uid: "rl-mgr", trustLevel: 3, mfa: true }));
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await app.call("testAlertChannel", { id: `chan-${T}` }, mgr)).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    });
  });

  describe("F4 brute force (5 failures in 5 min block the source for 30 min)", () => {
    it("locks out a source after 5 bad credentials, even for a good one, then lets it back", async () => {
      // Prepare
      const src = { "x-forwarded-for": "203.0.113.9" };
      const bad = { ...src, authorization: `Bearer ${fakeToken(U({ uid: "bf", expired: true }))}` };
      const good = { ...src, ...bearer(U({ uid: "bf-good" })) };
      // Act
      const failures = [];
      for (let i = 0; i < 5; i++) failures.push((await app.call("listBudgets", {}, bad)).body.error?.status);
      const blocked = await app.call("listBudgets", {}, good);
      const elsewhere = await app.call("listBudgets", {}, { ...bearer(U({ uid: "bf-good" })), "x-forwarded-for": "198.51.100.7" });
      app.clock.advance(30 * 60_000 + 1_000);
      const later = await app.call("listBudgets", {}, { ...bearer(U({ uid: "bf-good-2" })), ...src });
      // Assess
      expect(failures).toEqual(Array(5).fill("UNAUTHENTICATED"));
      expect(blocked.body.error).toMatchObject({ status: "RESOURCE_EXHAUSTED", details: { reason: "locked-out" } });
      expect(elsewhere.status).toBe(200);
      expect(later.status).toBe(200);
    });

    it("locks a source out after 5 bad credentials even when good ones are interleaved", async () => {
      // Prepare
      const src = { "x-forwarded-for": "203.0.113.77" };
      const bad = { ...src, authorization: `Bearer ${fakeToken(U({ uid: "guess", expired: true }))}` };
      const good = { ...src, ...bearer(U({ uid: "insider" })) };
      // Act: a guesser who also holds one valid credential
      const statuses: number[] = [];
      for (const who of [bad, bad, good, bad, bad, good, bad]) statuses.push((await app.call("listBudgets", {}, who)).status);
      const after = await app.call("listBudgets", {}, good);
      // Assess
      expect(statuses).toEqual([401, 401, 200, 401, 401, 200, 401]);
      expect(after.body.error).toMatchObject({ status: "RESOURCE_EXHAUSTED", details: { reason: "locked-out" } });
    });

    it("locks out an IPv6 client that takes a fresh address of its /64 for every guess", async () => {
      // Prepare
      const from = (n: number) => ({ "x-forwarded-for": `2001:db8:5:6:${n.toString(16)}::1` });
      const bad = { authorization: `Bearer ${fakeToken(U({ uid: "v6-guess", expired: true }))}` };
      // Act
      const statuses: number[] = [];
      for (let n = 1; n <= 5; n++) statuses.push((await app.call("listBudgets", {}, { ...bad, ...from(n) })).status);
      const sixth = await app.call("listBudgets", {}, { ...bearer(U({ uid: "v6-good" })), ...from(6) });
      const neighbour = await app.call("listBudgets", {}, { ...bearer(U({ uid: "v6-good" })), "x-forwarded-for": "2001:db8:5:7::1" });
      // Assess
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      expect(sixth.body.error).toMatchObject({ status: "RESOURCE_EXHAUSTED", details: { reason: "locked-out" } });
      expect(neighbour.status).toBe(200);
    });

    it("does not count an API key presented where keys are not accepted", async () => {
      const src = { "x-forwarded-for": "203.0.113.50", "x-api-key": "cm_AAAAAAAA_notarealkeynotarealkeynotarealkey00" };
      for (let i = 0; i < 6; i++) await app.call("listCloudAccounts", {}, src);
      expect((await app.call("listBudgets", {}, { "x-forwarded-for": "203.0.113.50", ...bearer(U({ uid: "door" })) })).status).toBe(200);
    });
  });

  describe("F1 trust levels, MFA and zones", () => {
    it.each([
      ["viewer writes a budget", U({ uid: "v" }), "upsertBudget", budget, "insufficient-trust"],
      ["operator writes a budget", U({ uid: "o", trustLevel: 2 }), "upsertBudget", budget, "insufficient-trust"],
      ["manager without MFA writes a budget", U({ uid: "m", trustLevel: 3 }), "upsertBudget", budget, "mfa-required"],
      ["admin without MFA creates an API key", U({ uid: "a", trustLevel: 4, zones: ["prod", "admin"] }), "createApiKey", { name: "k", skills: ["costs"], zones: ["prod"] }, "mfa-required"],
      ["admin with MFA but no admin zone creates an API key", U({ uid: "a2", trustLevel: 4, mfa: true, zones: ["prod"] }), "createApiKey", { name: "k", skills: ["costs"], zones: ["prod"] }, "zone-not-granted"],
      ["nonprod-only manager connects a prod account", U({ uid: "n", trustLevel: 3, mfa: true, zones: ["nonprod"] }), "connectCloudAccount", account("prod"), "zone-not-granted"],
      ["nonprod-only manager disconnects a prod account", U({ uid: "n2", trustLevel: 3, mfa: true, zones: ["nonprod"] }), "disconnectCloudAccount", { accountId: `acct-${T}` }, "zone-not-granted"],
    ])("denies: %s", async (_label, user, name, data, reason) => {
      const r = await app.call(name, data, bearer(user));
      expect(r.body.error).toMatchObject({ status: "PERMISSION_DENIED", details: { reason } });
    });

    it.each([
      ["operator acknowledges an anomaly", U({ uid: "o", trustLevel: 2 }), "updateAnomaly", { id: `anom-${T}`, acknowledge: true }],
      ["manager with MFA writes a budget", U({ uid: "m", trustLevel: 3, mfa: true }), "upsertBudget", budget],
      ["nonprod manager connects a nonprod account", U({ uid: "n", trustLevel: 3, mfa: true, zones: ["nonprod"] }), "connectCloudAccount", account("nonprod")],
      ["admin with MFA creates an API key", U({ uid: "a", trustLevel: 4, mfa: true, zones: ["prod", "admin"] }), "createApiKey", { name: "k", skills: ["costs"], zones: ["prod"] }],
    ])("allows: %s", async (_label, user, name, data) => {
      const r = await app.call(name, data, bearer(user));
      expect(r.body.error).toBeUndefined();
      expect(r.status).toBe(200);
    });

    it("refuses a user whose token has no tenant claims", async () => {
      const r = await app.call("listBudgets", {}, bearer({ uid: "nobody" }));
      expect(r.body.error).toMatchObject({ status: "PERMISSION_DENIED", details: { reason: "missing-claims" } });
    });
  });

  describe("platform admins and asTenant", () => {
    it("lets a platform admin with MFA act on another tenant, audited on both streams", async () => {
      // Prepare
      await seedTenantDocs(app.documents, "tenant-other");
      const padmin = bearer(U({ uid: "platform-1", tenantId: "ops", trustLevel: 4, mfa: true, zones: ["nonprod", "prod", "admin"], platformAdmin: true }));
      // Act
      const r = await app.call("listBudgets", { asTenant: "tenant-other" }, padmin);
      // Assess
      expect((r.body.result as { items: { id: string }[] }).items.map((b) => b.id)).toEqual(["budget-tenant-other"]);
      const victim = await app.documents.list("audit_streams/tenant%3Atenant-other/records", { limit: 50 });
      const home = await app.documents.list("audit_streams/tenant%3Aops/records", { limit: 50 });
      expect(victim.docs.some((d) => d.data.action === "as-tenant:listBudgets" && d.data.actor === "user:platform-1")).toBe(true);
      expect(home.docs.some((d) => (d.data.details as { asTenant?: string })?.asTenant === "tenant-other")).toBe(true);
    });

    it("refuses asTenant from a tenant admin who is not a platform admin", async () => {
      const r = await app.call("listBudgets", { asTenant: "tenant-other" }, bearer(U({ uid: "ta", trustLevel: 4, mfa: true })));
      expect(r.body.error).toMatchObject({ status: "PERMISSION_DENIED", details: { reason: "as-tenant-not-allowed" } });
    });
  });

  describe("F2 sessions (3 concurrent, 30 min idle, refreshed by use)", () => {
    it("ends the least recently used session when a 4th sign-in starts", async () => {
      // Prepare: four sign-ins of the same user
      const signIns = [1, 2, 3, 4].map((n) => bearer(U({ uid: "multi", authTime: 1_772_000_000 + n })));
      for (const s of signIns.slice(0, 3)) {
        expect((await app.call("getSession", {}, s)).status).toBe(200);
        app.clock.advance(1_000);
      }
      // Act
      const fourth = await app.call("getSession", {}, signIns[3] as Record<string, string>);
      const first = await app.call("getSession", {}, signIns[0] as Record<string, string>);
      // Assess
      expect((fourth.body.result as { live: unknown[] }).live).toHaveLength(3);
      expect(first.body.error).toMatchObject({ status: "UNAUTHENTICATED", details: { reason: "session-evicted" } });
      expect(app.logs.some((l) => l.includes('"event":"user.session_expired"') && l.includes('"reason":"evicted"'))).toBe(true);
    });

    it("expires a session idle for more than 30 minutes and keeps one refreshed by use", async () => {
      const idle = bearer(U({ uid: "idle", authTime: 1_772_100_000 }));
      const busy = bearer(U({ uid: "busy", authTime: 1_772_100_000 }));
      await app.call("getSession", {}, idle);
      await app.call("getSession", {}, busy);
      app.clock.advance(20 * 60_000);
      expect((await app.call("getSession", {}, busy)).status).toBe(200);
      app.clock.advance(20 * 60_000);
      expect((await app.call("getSession", {}, busy)).status).toBe(200);
      const r = await app.call("getSession", {}, idle);
      expect(r.body.error).toMatchObject({ status: "UNAUTHENTICATED", details: { reason: "session-idle" } });
    });
  });

  describe("F4 audit chain", () => {
    it("verifies the tenant's chain, then pinpoints a tampered record", async () => {
      // Prepare
      const admin = bearer(U({ uid: "auditor", trustLevel: 4, mfa: true, zones: ["prod", "admin"] }));
      await app.call("upsertBudget", budget, admin);
      await app.call("deleteBudget", { id: "b1" }, admin);
      const ok = await app.call("verifyAuditLog", {}, admin);
      const records = await app.documents.list(`audit_streams/${encodeURIComponent(tenantStream(T))}/records`, { orderBy: [{ field: "seq" }], limit: 1000 });
      const victim = records.docs[1];
      if (!victim) throw new Error("expected audit records");
      // Act: rewrite history as an insider would: the record of the second call says "deny",
      // and its own hash is recomputed, so only the next record's link can tell
      const forged = { ...victim.data, decision: "deny" };
      await app.documents.set(victim.path, { ...forged, hash: hashAuditRecord(forged as unknown as AuditRecord) });
      const bad = await app.call("verifyAuditLog", {}, admin);
      // Assess
      expect(ok.body.result).toMatchObject({ ok: true });
      expect(bad.body.result).toMatchObject({ ok: false, firstBadSeq: (victim.data.seq as number) + 1, reason: expect.stringMatching(/prevHash/) });
      await app.documents.set(victim.path, victim.data);
    });

    it("records who did what, on which tenant, with the decision and outcome", async () => {
      await app.call("deleteBudget", { id: "nope" }, bearer(U({ uid: "mgr", trustLevel: 3, mfa: true })));
      const records = await app.documents.list(`audit_streams/${encodeURIComponent(tenantStream(T))}/records`, { orderBy: [{ field: "seq", direction: "desc" }], limit: 1 });
      expect(records.docs[0]?.data).toMatchObject({
        tenantId: T,
        actor: "user:mgr",
        action: "delete:budgets:deleteBudget",
        resource: "budgets/nope",
        decision: "allow",
        outcome: "failure",
        details: { code: "not-found" },
      });
    });
  });
});
