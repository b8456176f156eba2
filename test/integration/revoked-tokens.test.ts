import { type App as AdminApp, deleteApp, initializeApp } from "firebase-admin/app";
import { importPKCS8, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebaseIdTokenVerifier } from "#foundation/iam/id-token.js";
import { type App, startApp } from "../entrypoints/support/app-harness.js";
import { seedTenantDocs } from "../entrypoints/support/seed.js";
import { type FakeGoogleCerts, fakeCredential, startFakeGoogleCerts } from "./support/fake-google-certs.js";

/**
 * Disabled users and revoked sign-ins, on firebase-admin's PRODUCTION verification path with the
 * verifier the composition root builds (no options: its defaults are what ships). Their ID tokens
 * are still correctly signed and unexpired for up to an hour; only a revocation check sees them.
 */
const PROJECT = "demo-test";
const T = "tenant-revoked";

describe("revoked and disabled users' ID tokens", () => {
  let app: App;
  let certs: FakeGoogleCerts;
  let adminApp: AdminApp;
  let savedEmulatorHost: string | undefined;
  let sign: (sub: string) => Promise<string>;
  const now = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    savedEmulatorHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
    delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    certs = await startFakeGoogleCerts();
    adminApp = initializeApp({ projectId: PROJECT, httpAgent: certs.agent, credential: fakeCredential }, "revocation-check");
    app = await startApp({ verifyIdToken: firebaseIdTokenVerifier({ app: async () => adminApp }) }, { COSTMON_PROJECT_ID: PROJECT });
    await seedTenantDocs(app.documents, T);
    const key = await importPKCS8(certs.privateKey, "RS256");
    sign = (sub) =>
      new SignJWT({ tenantId: T, trustLevel: 1, zones: ["prod"], auth_time: now - 600, firebase: { sign_in_provider: "password", identities: {} } })
        .setProtectedHeader({ alg: "RS256", kid: certs.kid, typ: "JWT" })
        .setIssuer(`https://securetoken.google.com/${PROJECT}`)
        .setAudience(PROJECT)
        .setSubject(sub)
        .setIssuedAt(now - 30)
        .setExpirationTime(now + 3600)
        .sign(key);
  });

  afterAll(async () => {
    await app?.close();
    await certs?.close();
    if (adminApp) await deleteApp(adminApp);
    if (savedEmulatorHost) process.env.FIREBASE_AUTH_EMULATOR_HOST = savedEmulatorHost;
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
