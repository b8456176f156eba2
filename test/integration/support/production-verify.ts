import { type App as AdminApp, deleteApp, initializeApp } from "firebase-admin/app";
import { importPKCS8, SignJWT } from "jose";
import type { DepsOverrides } from "../../../functions/src/deps.js";
import { firebaseIdTokenVerifier } from "#foundation/iam/id-token.js";
import { type App, startApp } from "../../entrypoints/support/app-harness.js";
import { type FakeGoogleCerts, fakeCredential, startFakeGoogleCerts } from "./fake-google-certs.js";

/** The project the signed tokens are issued for and the app checks them against. */
export const PROJECT = "demo-test";

export interface SignOptions {
  aud?: string;
  iss?: string;
  iat?: number;
  exp?: number;
  auth_time?: number;
  kid?: string;
  /** null leaves the `sub` claim out. */
  sub?: string | null;
}

export interface ProductionVerify {
  app: App;
  certs: FakeGoogleCerts;
  /** A Firebase ID token signed with the served test key: correct unless the options forge it. */
  sign(claims: Record<string, unknown>, o?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

/**
 * An app whose ID tokens are checked on firebase-admin's PRODUCTION verification path (not
 * emulator mode, which accepts unsigned tokens): the Auth emulator variable is unset for the
 * duration, and Google's certificate fetch and Auth API are served test keys and users
 * (fake-google-certs.ts). `close` restores the variable.
 *
 * @example
 *   const pv = await startProductionVerify("my-suite");
 *   const token = await pv.sign({ tenantId: "t1", trustLevel: 1, zones: ["prod"] }, { sub: "good-user" });
 *   await pv.close();
 */
export async function startProductionVerify(name: string, over: Partial<DepsOverrides> = {}): Promise<ProductionVerify> {
  // firebase-admin reads this variable on every verifyIdToken call.
  const savedEmulatorHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
  const certs = await startFakeGoogleCerts();
  // A credential, because checking revocation looks the user up in the (served) Auth API.
  const adminApp: AdminApp = initializeApp({ projectId: PROJECT, httpAgent: certs.agent, credential: fakeCredential }, name);
  const app = await startApp({ verifyIdToken: firebaseIdTokenVerifier({ app: async () => adminApp }), ...over }, { COSTMON_PROJECT_ID: PROJECT });
  const key = await importPKCS8(certs.privateKey, "RS256");
  const sign = async (claims: Record<string, unknown>, o: SignOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ ...claims, auth_time: o.auth_time ?? now - 60, firebase: { sign_in_provider: "password", identities: {} } })
      .setProtectedHeader({ alg: "RS256", kid: o.kid ?? certs.kid, typ: "JWT" })
      .setIssuer(o.iss ?? `https://securetoken.google.com/${PROJECT}`)
      .setAudience(o.aud ?? PROJECT)
      .setIssuedAt(o.iat ?? now - 30)
      .setExpirationTime(o.exp ?? now + 3600);
    if (o.sub !== null) jwt.setSubject(o.sub ?? "attacker-uid");
    return jwt.sign(key);
  };
  const close = async () => {
    await app.close();
    await certs.close();
    await deleteApp(adminApp);
    if (savedEmulatorHost) process.env.FIREBASE_AUTH_EMULATOR_HOST = savedEmulatorHost;
  };
  return { app, certs, sign, close };
}
