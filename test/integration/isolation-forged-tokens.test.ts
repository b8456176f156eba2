import { SignJWT, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import type { App } from "../entrypoints/support/app-harness.js";
import { costRow, seedTenantDocs } from "../entrypoints/support/seed.js";
import type { FakeGoogleCerts } from "./support/fake-google-certs.js";
import { CASES } from "./support/isolation-cases.js";
import { PROJECT, type ProductionVerify, startProductionVerify } from "./support/production-verify.js";

/**
 * Forged, unsigned, re-signed and expired ID tokens against every callable, on firebase-admin's
 * PRODUCTION verification path (not emulator mode, which accepts unsigned tokens): the Google
 * certificate fetch is served test keys (support/fake-google-certs.ts). A correctly signed token
 * proves the path accepts good tokens; every forgery must get UNAUTHENTICATED and no data.
 */
const A = "tenant-a";
const B = "tenant-b";
const MARK_B = "MARK-B-forged-9a1";

describe("forged and expired ID tokens on the production verification path", () => {
  let pv: ProductionVerify;
  let app: App;
  let certs: FakeGoogleCerts;
  let sign: ProductionVerify["sign"];

  beforeAll(async () => {
    pv = await startProductionVerify("production-verify", { rateLimiter: createRateLimiter({ points: 1e9 }), bruteForce: createBruteForceGuard({ maxFailures: 1e9 }) });
    ({ app, certs, sign } = pv);
    certs.users.set("good-user", {});
    for (const t of [A, B]) await seedTenantDocs(app.documents, t);
    await app.documents.set(`tenants/${B}/budgets/marked`, { id: "marked", name: MARK_B, amount: "1", period: "monthly" });
    await app.warehouse.upsert(B, [costRow(B, "2026-01-03", { service_name: MARK_B })]);
  });

  afterAll(async () => {
    await pv?.close();
  });

  const claimsA = { tenantId: A, trustLevel: 1, zones: ["nonprod", "prod"] };
  const claimsB = { tenantId: B, trustLevel: 4, zones: ["nonprod", "prod", "admin"] };

  function b64(o: unknown): string {
    return Buffer.from(JSON.stringify(o)).toString("base64url");
  }

  it("accepts a correctly signed token (the path under test really verifies)", async () => {
    const r = await app.call("listBudgets", {}, { authorization: `Bearer ${await sign(claimsA, { sub: "good-user" })}` });
    expect(r.status).toBe(200);
    expect(certs.fetches()).toBeGreaterThan(0);
  });

  it("refuses every forged, unsigned or expired token on every callable", async () => {
    // Prepare: each forgery claims tenant B (the victim) with admin rights
    const now = Math.floor(Date.now() / 1000);
    const good = await sign(claimsA);
    const [h, , s] = good.split(".");
    const attackerKey = await generateKeyPair("RS256");
    const forgeries: Record<string, string> = {
      "unsigned (alg none)": `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claimsB, iss: `https://securetoken.google.com/${PROJECT}`, aud: PROJECT, sub: "x", iat: now - 10, exp: now + 3600, auth_time: now - 10 })}.`,
      "emulator-style unsigned": `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claimsB, iss: `https://securetoken.google.com/${PROJECT}`, aud: PROJECT, sub: "x", user_id: "x", iat: now - 10, exp: now + 3600, auth_time: now - 10, firebase: { sign_in_provider: "password" } })}`,
      "payload swapped to tenant B": `${h}.${b64({ ...claimsB, iss: `https://securetoken.google.com/${PROJECT}`, aud: PROJECT, sub: "attacker-uid", iat: now - 30, exp: now + 3600, auth_time: now - 60 })}.${s}`,
      "signed by another key": await new SignJWT({ ...claimsB, auth_time: now - 60 })
        .setProtectedHeader({ alg: "RS256", kid: certs.kid })
        .setIssuer(`https://securetoken.google.com/${PROJECT}`)
        .setAudience(PROJECT)
        .setSubject("x")
        .setIssuedAt(now - 30)
        .setExpirationTime(now + 3600)
        .sign(attackerKey.privateKey),
      "HS256 with the public certificate as secret": await new SignJWT({ ...claimsB, auth_time: now - 60 })
        .setProtectedHeader({ alg: "HS256", kid: certs.kid })
        .setIssuer(`https://securetoken.google.com/${PROJECT}`)
        .setAudience(PROJECT)
        .setSubject("x")
        .setIssuedAt(now - 30)
        .setExpirationTime(now + 3600)
        .sign(new TextEncoder().encode(certs.cert)),
      expired: await sign(claimsB, { iat: now - 7200, exp: now - 3600 }),
      "another project's audience": await sign(claimsB, { aud: "someone-else" }),
      "wrong issuer": await sign(claimsB, { iss: "https://evil.example/demo-test" }),
      "unknown key id": await sign(claimsB, { kid: "not-a-google-kid" }),
      "issued in the future": await sign(claimsB, { iat: now + 3600, exp: now + 7200 }),
      "no subject": await sign(claimsB, { sub: null }),
      garbage: "not.a.jwt",
    };
    const results: { name: string; forgery: string; status: string; text: string }[] = [];
    // Act
    for (const c of CASES) {
      for (const [forgery, token] of Object.entries(forgeries)) {
        const r = await app.call(c.name, c.valid(B), { authorization: `Bearer ${token}` });
        results.push({ name: c.name, forgery, status: r.body.error?.status ?? String(r.status), text: JSON.stringify(r.body) });
      }
    }
    // Assess
    expect(results.length).toBe(CASES.length * Object.keys(forgeries).length);
    expect(results.filter((r) => r.status !== "UNAUTHENTICATED").map((r) => `${r.name} [${r.forgery}] ${r.status}`)).toEqual([]);
    expect(results.filter((r) => r.text.includes(MARK_B))).toEqual([]);
    expect(results.find((r) => r.forgery === "expired")?.text).toContain("id-token-expired");
  });
});
