import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { configureDeps, getPipelineServices } from "../../../functions/src/deps.js";
import { googleOidcVerifier } from "#foundation/iam/google-oidc.js";
import type { EventMessage } from "#foundation/pipeline/event-stack.js";
import { definePipeline } from "#foundation/pipeline/define-pipeline.js";
import { AppError } from "#kernel/errors.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";

/** Event handlers: idempotency on message id or natural key, retry vs dead-letter, OIDC push. */
const AUDIENCE = "https://collect.example/push";
const SA = "pubsub-push@demo-test.iam.gserviceaccount.com";

describe("defineEventHandler", () => {
  const documents = new MemoryDocumentStore();
  const handled: string[] = [];
  const deadLetters: string[] = [];
  let signer: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  let failNext: AppError | null = null;

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

  const { defineEventHandler } = definePipeline({
    services: getPipelineServices,
    deps: async () => ({}),
    deadLetter: async (m: EventMessage, reason) => {
      deadLetters.push(`${m.id}: ${reason}`);
    },
  });
  const onCollected = defineEventHandler({
    name: "onCollected",
    topic: "costs-collected",
    input: z.strictObject({ tenantId: z.string(), day: z.string() }),
    idempotencyKey: (i) => `${i.tenantId}/${i.day}`,
    handler: async ({ input }) => {
      if (failNext) {
        const e = failNext;
        failNext = null;
        throw e;
      }
      handled.push(`${input.tenantId}/${input.day}`);
    },
  });
  const msg = (id: string, data: unknown): EventMessage => ({ id, topic: "costs-collected", data, attributes: {}, deliveryAttempt: 1, publishedAt: "2026-01-01T00:00:00Z" });

  it("handles a redelivered message and a same-key message once", async () => {
    expect(await onCollected(msg("m1", { tenantId: "t1", day: "2026-01-01" }))).toBe("done");
    expect(await onCollected(msg("m1", { tenantId: "t1", day: "2026-01-01" }))).toBe("duplicate");
    expect(await onCollected(msg("m2", { tenantId: "t1", day: "2026-01-01" }))).toBe("duplicate");
    expect(handled).toEqual(["t1/2026-01-01"]);
  });

  it("rethrows a retryable failure and releases the lease so a redelivery runs", async () => {
    failNext = new AppError("unavailable", "warehouse busy");
    await expect(onCollected(msg("m3", { tenantId: "t1", day: "2026-01-02" }))).rejects.toThrow("warehouse busy");
    expect(await onCollected(msg("m3", { tenantId: "t1", day: "2026-01-02" }))).toBe("done");
  });

  it("dead-letters a message that can never succeed instead of retrying it", async () => {
    expect(await onCollected(msg("m4", { tenantId: "t1", day: "2026-01-03", extra: 1 }))).toBe("rejected");
    expect(deadLetters).toEqual([expect.stringContaining("m4: invalid input")]);
  });

  it("accepts a Pub/Sub push only with a Google OIDC token for its audience", async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const token = (aud: string) =>
      new SignJWT({ email: SA, email_verified: true })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer("https://accounts.google.com")
        .setAudience(aud)
        .setSubject("1234")
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(signer);
    const body = { message: { messageId: "p1", data: Buffer.from(JSON.stringify({ tenantId: "t9", day: "2026-02-01" })).toString("base64") } };
    const reply = () => {
      const r = { code: 0, status: (c: number) => { r.code = c; }, setHeader: () => {}, send: () => {}, end: () => {} };
      return r;
    };
    // Act
    const ok = reply();
    await onCollected.push({ method: "POST", headers: { authorization: `Bearer ${await token(AUDIENCE)}` }, body }, ok);
    const wrongAud = reply();
    await onCollected.push({ method: "POST", headers: { authorization: `Bearer ${await token("https://other")}` }, body }, wrongAud);
    const none = reply();
    await onCollected.push({ method: "POST", headers: {}, body }, none);
    // Assess
    expect([ok.code, wrongAud.code, none.code]).toEqual([204, 401, 401]);
    expect(handled).toContain("t9/2026-02-01");
  });

  it("declares the event layers in DESIGN.md §6 order", () => {
    expect(onCollected.layers).toEqual(["F7 config", "F3 request context", "error boundary", "F4 validation", "idempotency", "F4 audit", "handler"]);
  });
});
