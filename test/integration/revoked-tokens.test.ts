import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../entrypoints/support/app-harness.js";
import { seedTenantDocs } from "../entrypoints/support/seed.js";
import type { FakeGoogleCerts } from "./support/fake-google-certs.js";
import { type ProductionVerify, startProductionVerify } from "./support/production-verify.js";

/**
 * Disabled users and revoked sign-ins, on firebase-admin's PRODUCTION verification path with the
 * verifier the composition root builds (no options: its defaults are what ships). Their ID tokens
 * are still correctly signed and unexpired for up to an hour; only a revocation check sees them.
 */
const T = "tenant-revoked";

describe("revoked and disabled users' ID tokens", () => {
  let pv: ProductionVerify;
  let app: App;
  let certs: FakeGoogleCerts;
  let sign: (sub: string) => Promise<string>;
  const now = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    pv = await startProductionVerify("revocation-check");
    ({ app, certs } = pv);
    await seedTenantDocs(app.documents, T);
    sign = (sub) => pv.sign({ tenantId: T, trustLevel: 1, zones: ["prod"] }, { sub, auth_time: now - 600, iat: now - 30, exp: now + 3600 });
  });

  afterAll(async () => {
    await pv?.close();
  });

  it.each([
    ["an active user", "active-user", {}, 200, undefined],
    ["a disabled user", "disabled-user", { disabled: true }, 401, "id-token-revoked"],
    ["a user signed out everywhere after this sign-in", "signed-out-user", { validSince: now - 60 }, 401, "id-token-revoked"],
    ["a deleted user", "deleted-user", undefined, 401, "id-token-revoked"],
  ])("answers the valid token of %s (%s)", async (_who, uid, record, status, reason) => {
    // Prepare
    if (record) certs.users.set(uid, record);
    // Act
    const r = await app.call("listBudgets", {}, { authorization: `Bearer ${await sign(uid)}` });
    // Assess
    expect(r.status).toBe(status);
    if (reason) expect(r.body.error).toMatchObject({ status: "UNAUTHENTICATED", details: { reason } });
  });
});
