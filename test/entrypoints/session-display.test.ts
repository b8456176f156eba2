import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, type FakeUser, fakeVerifier } from "./support/fake-id-tokens.js";
import { seedTenantDocs } from "./support/seed.js";

/** getSession tells a client how its tenant's amounts are written, from the tenant's own document. */
const A = "tenant-display-a";
const B = "tenant-display-b";
const U = (tenantId: string, uid: string): FakeUser => ({ uid, tenantId, trustLevel: 1, zones: ["nonprod", "prod"] });

describe("getSession: the tenant's currency and locale", () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier });
    await seedTenantDocs(app.documents, A);
    await seedTenantDocs(app.documents, B);
    await app.documents.set(`tenants/${A}`, { name: A, status: "active", currency: "EUR", locale: "de-de" });
  });
  afterAll(async () => app.close());

  it("returns the caller's tenant's currency and canonical locale", async () => {
    const r = await app.call("getSession", {}, bearer(U(A, "a-1")));
    expect(r.status).toBe(200);
    expect((r.body.result as { tenant: unknown }).tenant).toEqual({ currency: "EUR", locale: "de-DE" });
  });

  it("falls back to the reporting currency and en-US for a tenant without them, and never reads another tenant's", async () => {
    const r = await app.call("getSession", { tenantId: A }, bearer(U(B, "b-1")));
    // A tenantId in the request is refused outright (the tenant comes from the token only).
    expect(r.body.error).toMatchObject({ status: "INVALID_ARGUMENT" });
    const own = await app.call("getSession", {}, bearer(U(B, "b-1")));
    expect((own.body.result as { tenant: unknown }).tenant).toEqual({ currency: "USD", locale: "en-US" });
  });
});
