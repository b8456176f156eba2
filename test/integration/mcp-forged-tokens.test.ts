import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import type { App } from "../entrypoints/support/app-harness.js";
import { costRow } from "../entrypoints/support/seed.js";
import { httpClient } from "../mcp/http-support.js";
import { textOf } from "../mcp/support.js";
import type { FakeGoogleCerts } from "./support/fake-google-certs.js";
import { PROJECT, type ProductionVerify, startProductionVerify } from "./support/production-verify.js";

/**
 * The `mcp` function on firebase-admin's PRODUCTION verification path (Google's certificate fetch
 * served test keys, as isolation-forged-tokens.test.ts does for the callables): a correctly signed
 * token of this project gets the tools; forged, re-signed, expired and other-audience tokens get
 * 401 with the RFC 9728 challenge and nothing of the victim's.
 */
const A = "tenant-a";
const B = "tenant-b";
const MARK_B = "MARK-B-mcp-forged";

describe("mcp with forged ID tokens on the production verification path", () => {
  let pv: ProductionVerify;
  let app: App;
  let certs: FakeGoogleCerts;
  let url: string;
  let sign: ProductionVerify["sign"];

  beforeAll(async () => {
    pv = await startProductionVerify("mcp-production-verify", { rateLimiter: createRateLimiter({ points: 1e9 }), bruteForce: createBruteForceGuard({ maxFailures: 1e9 }) });
    ({ app, certs, sign } = pv);
    certs.users.set("good-user", {});
    await app.warehouse.upsert(A, [costRow(A, "2026-03-01", { billed_cost: "3", effective_cost: "2" })]);
    await app.warehouse.upsert(B, [costRow(B, "2026-03-01", { service_name: MARK_B })]);
    url = await app.url("mcp");
  });

  afterAll(async () => {
    await pv?.close();
  });

  const claimsA = { tenantId: A, trustLevel: 1, zones: ["nonprod", "prod"] };
  const claimsB = { tenantId: B, trustLevel: 4, zones: ["nonprod", "prod", "admin"] };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

  it("serves a correctly signed token of this project (the path really verifies)", async () => {
    const client = await httpClient(url, { authorization: `Bearer ${await sign(claimsA, { sub: "good-user" })}` });
    try {
      const body = JSON.parse(textOf(await client.callTool({ name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31" } })));
      expect(body).toMatchObject({ tenant: A, totals: [{ billedCost: "3", effectiveCost: "2" }] });
    } finally {
      await client.close();
    }
    expect(certs.fetches()).toBeGreaterThan(0);
  });

  it("answers every forgery 401 with the challenge, and nothing of the victim's", async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await sign(claimsA);
    const [h, , s] = good.split(".");
    const other = await generateKeyPair("RS256");
    const forgeries: Record<string, string> = {
      "unsigned (alg none)": `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claimsB, iss: `https://securetoken.google.com/${PROJECT}`, aud: PROJECT, sub: "x", iat: now - 10, exp: now + 3600, auth_time: now - 10 })}.`,
      "payload swapped to tenant B": `${h}.${b64({ ...claimsB, iss: `https://securetoken.google.com/${PROJECT}`, aud: PROJECT, sub: "attacker-uid", iat: now - 30, exp: now + 3600, auth_time: now - 60 })}.${s}`,
      "signed by another key": await new SignJWT({ ...claimsB, auth_time: now - 60 }).setProtectedHeader({ alg: "RS256", kid: certs.kid }).setIssuer(`https://securetoken.google.com/${PROJECT}`).setAudience(PROJECT).setSubject("x").setIssuedAt(now - 30).setExpirationTime(now + 3600).sign(other.privateKey),
      expired: await sign(claimsB, { iat: now - 7200, exp: now - 3600 }),
      "another project's audience": await sign(claimsB, { aud: "someone-else" }),
      "wrong issuer": await sign(claimsB, { iss: "https://evil.example/demo-test" }),
      garbage: "not.a.jwt",
    };
    const init = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "get_costs", arguments: { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], view: "rows" } } };
    for (const [forgery, token] of Object.entries(forgeries)) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${token}` }, body: JSON.stringify(init) });
      const text = await res.text();
      expect(res.status, forgery).toBe(401);
      expect(res.headers.get("www-authenticate"), forgery).toMatch(/^Bearer error="invalid_token", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource"$/);
      expect(text, forgery).not.toContain(MARK_B);
    }
  });
});
