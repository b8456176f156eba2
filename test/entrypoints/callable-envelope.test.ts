import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, fakeVerifier } from "./support/fake-id-tokens.js";

/** Requests that are not callable requests are refused with a 4xx before any credential is read. */
const admin = bearer({ uid: "admin-1", tenantId: "t-env", trustLevel: 4, zones: ["nonprod", "prod", "admin"], mfa: true });

describe("callable protocol envelope", () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier });
  });
  afterAll(async () => app.close());

  it.each([
    ["GET", undefined, {}],
    ["POST", "not json", { "content-type": "application/json" }],
    ["POST", JSON.stringify([1, 2]), { "content-type": "application/json" }],
    ["POST", JSON.stringify({ nodata: 1 }), { "content-type": "application/json" }],
    ["POST", "data=1", { "content-type": "application/x-www-form-urlencoded" }],
    ["PUT", JSON.stringify({ data: {} }), { "content-type": "application/json" }],
  ])("refuses a %s with body %j with a 4xx", async (method, body, headers) => {
    for (const name of ["getCostSummary", "upsertBudget", "connectCloudAccount"]) {
      // Act
      const res = await app.raw(name, { method, headers: { ...headers, ...admin }, ...(body === undefined ? {} : { body }) });
      // Assess
      expect(res.status, `${name} ${method}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it.each([
    ["a trailing comma", '{"data":{"start":"2026-01-01",}}', { "content-type": "application/json" }],
    ["a null body", "null", { "content-type": "application/json" }],
    ["a string body", '"2026-01-01"', { "content-type": "application/json" }],
    ["a latin1 charset", '{"data":{}}', { "content-type": "application/json; charset=latin1" }],
    ["gzip that is not gzip", '{"data":{}}', { "content-type": "application/json", "content-encoding": "gzip" }],
  ])("answers %s with a callable INVALID_ARGUMENT error, not an HTML page", async (_kind, body, headers) => {
    // Act
    const res = await app.raw("getCostSummary", { method: "POST", headers: { ...headers, ...admin }, body });
    const text = await res.text();
    // Assess
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toMatchObject({ error: { status: "INVALID_ARGUMENT", message: expect.any(String) } });
  });

  it("answers a callable error body the Firebase client understands", async () => {
    const r = await app.call("getCostSummary", { start: "x" }, admin);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ status: "INVALID_ARGUMENT", message: expect.stringContaining("start") });
    expect(r.body.error?.details).toMatchObject({ issues: expect.any(Array) });
  });
});
