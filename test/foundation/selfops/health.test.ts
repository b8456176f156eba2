import { describe, expect, it } from "vitest";
import { createHealthCheck } from "#foundation/selfops/health.js";

const ok = async () => undefined;
const failing = (message: string) => async () => {
  throw new Error(message);
};

describe("createHealthCheck", () => {
  it.each<{ name: string; checks: Record<string, () => Promise<void>>; status: string }>([
    { name: "all pass", checks: { store: ok, bus: ok }, status: "ok" },
    { name: "one of two fails", checks: { store: ok, bus: failing("refused") }, status: "degraded" },
    { name: "all fail", checks: { store: failing("x"), bus: failing("y") }, status: "down" },
    { name: "no dependencies", checks: {}, status: "ok" },
  ])("reports $status when $name", async ({ checks, status }) => {
    // Act
    const readiness = await createHealthCheck(checks).readiness();
    // Assess
    expect(readiness.status).toBe(status);
    expect(Object.keys(readiness.checks).sort()).toEqual(Object.keys(checks).sort());
  });

  it("reports each check's status, latency and error", async () => {
    const readiness = await createHealthCheck({ store: ok, bus: failing("connection refused") }).readiness();

    expect(readiness.checks.store).toEqual({ status: "ok", latencyMs: expect.any(Number) });
    expect(readiness.checks.bus).toEqual({
      status: "fail",
      latencyMs: expect.any(Number),
      error: "Error: connection refused",
    });
  });

  it("fails a check that does not answer within the timeout", async () => {
    const hang = () => new Promise<void>(() => undefined);

    const readiness = await createHealthCheck({ hang, store: ok }, { timeoutMs: 5 }).readiness();

    expect(readiness.status).toBe("degraded");
    expect(readiness.checks.hang?.error).toMatch(/timed out after 5 ms/);
  });

  it("fails a check that throws synchronously instead of crashing", async () => {
    const throwsSync = (() => {
      throw new Error("sync");
    }) as () => Promise<void>;

    const readiness = await createHealthCheck({ throwsSync }).readiness();

    expect(readiness.checks.throwsSync?.status).toBe("fail");
  });

  it.each([
    ["Authorization: Bearer ya29.a0AfH6SMBsecretcanary", "ya29.a0AfH6SMBsecretcanary"],
    ["connect to postgres://admin:hunter2canary@db:5432 failed", "hunter2canary"],
    ["bad request ?api_key=AKIACANARY123&x=1", "AKIACANARY123"],
    ["password=canary-pass-1 rejected", "canary-pass-1"],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJl invalid", "eyJzdWIiOiJjYW5hcnkifQ"],
    ["POST https://hooks.slack.com/services/T000/B000/CANARYXXXX failed", "CANARYXXXX"],
  ])("redacts secrets from error messages (%s)", async (message, secret) => {
    const readiness = await createHealthCheck({ dep: failing(message) }).readiness();

    expect(readiness.checks.dep?.error).toBeDefined();
    expect(JSON.stringify(readiness)).not.toContain(secret);
  });

  it("reports liveness with uptime from the injected clock", () => {
    let t = 1_000;
    const health = createHealthCheck({}, { now: () => t });
    t += 65_500;

    expect(health.liveness()).toEqual({ status: "ok", uptimeSec: 65 });
  });
});
