import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallableFunction } from "#foundation/pipeline/define-pipeline.js";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { CASES } from "../../integration/support/isolation-cases.js";
import { type App, startApp } from "../support/app-harness.js";
import { bearer, fakeVerifier } from "../support/fake-id-tokens.js";
import { malformedFor } from "../support/malformed.js";
import { costRow, seedTenantDocs } from "../support/seed.js";
import { tenantSnapshot } from "../support/snapshot.js";

/**
 * Bad-input suite: ≥ 200 property-generated malformed payloads per callable, sent in-process over
 * HTTP in the callable protocol by a caller allowed to use every callable (so validation is what
 * refuses them). Every answer must be a 4xx callable error (never internal), and the tenant's
 * documents, secrets and ledger must not change.
 */
const T = "tenant-bad";
const RUNS = 200;
const admin = bearer({ uid: "admin-1", tenantId: T, trustLevel: 4, zones: ["nonprod", "prod", "admin"], mfa: true });

/** Registers the suite for the named callables (split over files to keep each file fast). */
export function badInputSuite(names: readonly string[]): void {
describe(`bad input on ${names.join(", ")}`, () => {
  let app: App;
  let callables: Map<string, CallableFunction>;

  beforeAll(async () => {
    app = await startApp({
      verifyIdToken: fakeVerifier,
      rateLimiter: createRateLimiter({ points: 1e9 }),
      bruteForce: createBruteForceGuard({ maxFailures: 1e9 }),
    }, { COSTMON_LOGGING_LEVEL: "info" });
    await seedTenantDocs(app.documents, T);
    await app.warehouse.upsert(T, [costRow(T, "2026-01-05")]);
    const entry = (await import("../../../functions/src/index.js")).functions as Record<string, unknown>;
    callables = new Map(
      Object.entries(entry).filter((e): e is [string, CallableFunction] => typeof e[1] === "function" && "inputSchema" in e[1]),
    );
    // A session exists before the snapshot: the first call of a sign-in creates one by design.
    await app.call("getSession", {}, admin);
  });
  afterAll(async () => app.close());

  it("covers every exported callable", () => {
    expect([...callables.keys()].sort()).toEqual(CASES.map((c) => c.name).sort());
  });

  it.each(CASES.filter((c) => names.includes(c.name)).map((c) => [c.name, c] as const))("%s answers 4xx to 200 malformed payloads and writes nothing", async (name, c) => {
    // Prepare
    const fn = callables.get(name) as CallableFunction;
    const before = await tenantSnapshot(app, T);
    const seen: Record<string, number> = {};
    // Act + Assess per payload
    await fc.assert(
      fc.asyncProperty(malformedFor(fn.inputSchema, c.valid(T)), async (data) => {
        const r = await app.call(name, data, admin);
        const status = r.body.error?.status ?? "OK";
        seen[status] = (seen[status] ?? 0) + 1;
        return r.status >= 400 && r.status < 500 && status !== "INTERNAL";
      }),
      { numRuns: RUNS, seed: 4242 },
    );
    // Assess: everything counted was refused, and nothing was written
    expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBe(RUNS);
    expect(seen.OK).toBeUndefined();
    expect(await tenantSnapshot(app, T)).toBe(before);
  });

});
}
