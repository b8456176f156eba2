import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditRecord } from "#foundation/secops/audit-log.js";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, type FakeUser, fakeToken, fakeVerifier } from "./support/fake-id-tokens.js";
import { seedTenantDocs } from "./support/seed.js";

/**
 * Every decision is audited (DESIGN.md §6 step 10), refusals included: each kind of refusal leaves
 * exactly one record, on the right stream, naming the layer that refused and its reason code, and
 * nothing of the payload.
 */
const T = "tenant-audit";
const MARK = "PAYLOAD-MARK-31c7";
const U = (over: Partial<FakeUser> = {}): FakeUser => ({ uid: "aud-viewer", tenantId: T, trustLevel: 1, zones: ["nonprod", "prod"], ...over });
const manager = (uid: string) => bearer(U({ uid, trustLevel: 3, mfa: true }));

interface Head {
  seq: number;
  record: AuditRecord;
}

/** Every stream's head: the records appended since are the heads that moved. */
async function heads(app: App): Promise<Map<string, Head>> {
  const page = await app.documents.list<Head & Record<string, unknown>>("audit_heads", { limit: 1000 });
  return new Map(page.docs.map((d) => [d.id, { seq: d.data.seq, record: d.data.record }]));
}

async function appendedBy(app: App, act: () => Promise<unknown>): Promise<AuditRecord[]> {
  const before = await heads(app);
  await act();
  const after = await heads(app);
  const records: AuditRecord[] = [];
  for (const [stream, head] of after) {
    const moved = head.seq - (before.get(stream)?.seq ?? 0);
    for (let i = 0; i < moved; i++) records.push(head.record);
  }
  return records;
}

describe("audit of refusals", () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier }, { COSTMON_RATE_LIMIT_POINTS: "100" });
    await seedTenantDocs(app.documents, T);
  });
  afterAll(async () => app.close());

  const budget = { id: "b1", name: MARK, amount: "100", period: "monthly" };

  it.each([
    {
      kind: "authentication (expired token)",
      prepare: async () => {},
      call: (a: App) => a.call("listBudgets", { cursor: MARK }, { authorization: `Bearer ${fakeToken(U({ expired: true }))}`, "x-forwarded-for": "198.51.100.61" }),
      expected: { stream: "platform", actor: "source:198.51.100.61", details: { stage: "authentication", reason: "id-token-expired", code: "unauthenticated" } },
    },
    {
      kind: "authorization (viewer writes a budget)",
      prepare: async () => {},
      call: (a: App) => a.call("upsertBudget", budget, bearer(U())),
      expected: { stream: `tenant:${T}`, actor: "user:aud-viewer", details: { stage: "authorization", reason: "insufficient-trust", code: "permission-denied" } },
    },
    {
      kind: "authorization in the handler (prod account by a nonprod manager)",
      prepare: async () => {},
      call: (a: App) =>
        a.call(
          "connectCloudAccount",
          { provider: "gcp", displayName: MARK, billingAccountId: "b", subAccountId: "s", environment: "prod", credentials: { token: MARK } },
          bearer(U({ uid: "np-mgr", trustLevel: 3, mfa: true, zones: ["nonprod"] })),
        ),
      expected: { stream: `tenant:${T}`, actor: "user:np-mgr", details: { stage: "authorization", reason: "zone-not-granted", code: "permission-denied" } },
    },
    {
      kind: "asTenant from a tenant admin",
      prepare: async () => {},
      call: (a: App) => a.call("listBudgets", { asTenant: "tenant-victim" }, bearer(U({ uid: "ta", trustLevel: 4, mfa: true }))),
      expected: { stream: `tenant:${T}`, actor: "user:ta", details: { stage: "authorization", reason: "as-tenant-not-allowed" } },
    },
    {
      kind: "validation (a forged tenantId)",
      prepare: async () => {},
      call: (a: App) => a.call("upsertBudget", { ...budget, name: "ok", tenantId: MARK }, manager("mgr-1")),
      expected: { stream: `tenant:${T}`, actor: "user:mgr-1", details: { stage: "validation", reason: "invalid-input", code: "invalid-argument" } },
    },
    {
      kind: "validation (an injection attempt)",
      prepare: async () => {},
      call: (a: App) => a.call("upsertBudget", { ...budget, name: `${MARK}' OR 1=1 --` }, manager("mgr-2")),
      expected: { stream: `tenant:${T}`, actor: "user:mgr-2", details: { stage: "validation", reason: "injection", code: "invalid-argument" } },
    },
    {
      kind: "validation (a path-traversal id)",
      prepare: async () => {},
      call: (a: App) => a.call("deleteBudget", { id: `../../tenants/${MARK}/budgets/x` }, manager("mgr-3")),
      expected: { stream: `tenant:${T}`, actor: "user:mgr-3", details: { stage: "validation", reason: "invalid-input", code: "invalid-argument" } },
    },
    {
      kind: "session (idle for 31 minutes)",
      prepare: async (a: App) => {
        await a.call("getSession", {}, bearer(U({ uid: "sleepy", authTime: 1_772_300_000 })));
        a.clock.advance(31 * 60_000);
      },
      call: (a: App) => a.call("listBudgets", { cursor: MARK }, bearer(U({ uid: "sleepy", authTime: 1_772_300_000 }))),
      expected: { stream: `tenant:${T}`, actor: "user:sleepy", details: { stage: "session", reason: "session-idle", code: "unauthenticated" } },
    },
    {
      kind: "rate limit (the identity's 6th testAlertChannel in a minute)",
      prepare: async (a: App) => {
        for (let i = 0; i < 5; i++) await a.call("testAlertChannel", { id: `chan-${T}` }, manager("busy"));
      },
      call: (a: App) => a.call("testAlertChannel", { id: MARK }, manager("busy")),
      expected: { stream: `tenant:${T}`, actor: "user:busy", details: { stage: "rate-limit", reason: "rate-limited", code: "resource-exhausted" } },
    },
    {
      kind: "lockout (a source after 5 bad credentials)",
      prepare: async (a: App) => {
        const bad = { authorization: `Bearer ${fakeToken(U({ uid: "g", expired: true }))}`, "x-forwarded-for": "198.51.100.99" };
        for (let i = 0; i < 5; i++) await a.call("listBudgets", {}, bad);
      },
      call: (a: App) => a.call("listBudgets", { cursor: MARK }, { ...bearer(U()), "x-forwarded-for": "198.51.100.99" }),
      expected: { stream: "platform", actor: "source:198.51.100.99", details: { stage: "rate-limit", reason: "locked-out", code: "resource-exhausted" } },
    },
  ])("records one deny for $kind, with its reason and without the payload", async ({ prepare, call, expected }) => {
    // Prepare
    await prepare(app);
    // Act
    let status = 0;
    const records = await appendedBy(app, async () => {
      status = (await call(app)).status;
    });
    // Assess
    expect(status).toBeGreaterThanOrEqual(400);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ...expected, decision: "deny", outcome: "failure" });
    expect(JSON.stringify(records[0])).not.toContain(MARK);
  });
});
