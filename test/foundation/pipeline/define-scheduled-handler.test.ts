import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureDeps, getPipelineServices } from "../../../functions/src/deps.js";
import { googleOidcVerifier } from "#foundation/iam/google-oidc.js";
import { definePipeline } from "#foundation/pipeline/define-pipeline.js";
import { AppError } from "#kernel/errors.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";

/** The scheduled twin of defineEventHandler: Cloud Scheduler over HTTP with OIDC, or a direct run; once per schedule time. */
const AUDIENCE = "https://retry.example/run";
const SA = "scheduler@demo-test.iam.gserviceaccount.com";

describe("defineScheduledHandler", () => {
  const documents = new MemoryDocumentStore();
  const ran: string[] = [];
  const registered: string[] = [];
  let failNext: AppError | null = null;
  let signer: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    signer = privateKey;
    const pem = await exportSPKI(publicKey);
    configureDeps({
      documents,
      warehouse: new MemoryCostWarehouse(),
      secrets: new MemorySecretStore(),
      logSink: () => {},
      verifyOidc: googleOidcVerifier({ audience: AUDIENCE, allowedServiceAccounts: [SA], certs: async () => ({ k1: pem }) }),
      env: { COSTMON_ENV: "dev" },
    });
  });
  afterAll(() => configureDeps({}));

  const { defineScheduledHandler } = definePipeline({
    services: getPipelineServices,
    deps: async () => ({}),
    register: (name) => {
      registered.push(name);
    },
  });
  const sweep = defineScheduledHandler({
    name: "sweepQueue",
    schedule: "*/10 * * * *",
    handler: async ({ input }) => {
      if (failNext) {
        const e = failNext;
        failNext = null;
        throw e;
      }
      ran.push(input.scheduledAt);
    },
  });

  const token = async (aud: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email: SA, email_verified: true })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer("https://accounts.google.com")
      .setAudience(aud)
      .setSubject("1234")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(signer);
  };
  const reply = () => {
    const r = { code: 0, status: (c: number) => { r.code = c; }, setHeader: () => {}, send: () => {}, end: () => {} };
    return r;
  };

  it("registers with functions-framework under its name and keeps its schedule", () => {
    expect(registered).toEqual(["sweepQueue"]);
    expect([sweep.schedule, sweep.timeZone]).toEqual(["*/10 * * * *", "Etc/UTC"]);
    expect(sweep.layers).toEqual(["F7 config", "F3 request context", "error boundary", "F4 validation", "idempotency", "F4 audit", "handler"]);
  });

  it("runs once per schedule time, however often Cloud Scheduler calls", async () => {
    const headers = async () => ({ authorization: `Bearer ${await token(AUDIENCE)}`, "x-cloudscheduler-scheduletime": "2026-11-20T08:00:00Z" });
    const first = reply();
    await sweep.http({ method: "POST", headers: await headers() }, first);
    const again = reply();
    await sweep.http({ method: "POST", headers: await headers() }, again);
    expect([first.code, again.code]).toEqual([200, 200]);
    expect(ran.filter((t) => t.startsWith("2026-11-20T08:00:00"))).toHaveLength(1);
  });

  it("refuses a call without Cloud Scheduler's OIDC token for its audience, and anything but POST", async () => {
    const wrong = reply();
    await sweep.http({ method: "POST", headers: { authorization: `Bearer ${await token("https://other")}` } }, wrong);
    const none = reply();
    await sweep.http({ method: "POST", headers: {} }, none);
    const get = reply();
    await sweep.http({ method: "GET", headers: {} }, get);
    expect([wrong.code, none.code, get.code]).toEqual([401, 401, 405]);
  });

  it("answers 500 to a failure worth retrying, so Cloud Scheduler retries, and runs on the retry", async () => {
    failNext = new AppError("unavailable", "store busy");
    const headers = { authorization: `Bearer ${await token(AUDIENCE)}`, "x-cloudscheduler-scheduletime": "2026-11-20T08:10:00Z" };
    const failed = reply();
    await sweep.http({ method: "POST", headers }, failed);
    const retried = reply();
    await sweep.http({ method: "POST", headers }, retried);
    expect([failed.code, retried.code]).toEqual([500, 200]);
    expect(ran.some((t) => t.startsWith("2026-11-20T08:10:00"))).toBe(true);
  });

  it("answers 200 to a failure that cannot succeed, so Cloud Scheduler does not retry it", async () => {
    failNext = new AppError("failed-precondition", "no tenants table");
    const r = reply();
    await sweep.http({ method: "POST", headers: { authorization: `Bearer ${await token(AUDIENCE)}`, "x-cloudscheduler-scheduletime": "2026-11-20T08:20:00Z" } }, r);
    expect(r.code).toBe(200);
    expect(ran.some((t) => t.startsWith("2026-11-20T08:20:00"))).toBe(false);
  });

  it("runs directly for the local runtime", async () => {
    expect(await sweep({ scheduledAt: "2026-11-21T08:00:00Z" })).toBe("done");
    expect(await sweep({ scheduledAt: "2026-11-21T08:00:00Z" })).toBe("duplicate");
  });

  it("refuses a schedule that is not five cron fields when declared", () => {
    expect(() => defineScheduledHandler({ name: "badOne", schedule: "every day", handler: async () => {} })).toThrow(/five unix-cron fields/);
    expect(() => defineScheduledHandler({ name: "badTz", schedule: "0 8 * * *", timeZone: "Mars/Olympus", handler: async () => {} })).toThrow(/time zone/);
  });
});
