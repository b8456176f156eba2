import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SecretStore } from "#kernel/ports.js";
import { type App, startApp } from "./support/app-harness.js";

/** F5 health: liveness at once; readiness runs each dependency check and reports it by name. */
describe("health", () => {
  let app: App;
  const brokenSecrets: SecretStore = {
    get: async () => {
      throw new Error("secret manager unreachable (token=abc123)");
    },
    put: async () => {},
    delete: async () => {},
  };
  beforeAll(async () => {
    app = await startApp({ secrets: brokenSecrets });
  });
  afterAll(async () => app.close());

  it("answers liveness without touching dependencies", async () => {
    const live = await fetch(`${await app.url("health")}?probe=live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: "ok" });
  });

  it("reports a failing dependency as degraded, by name", async () => {
    const res = await fetch(await app.url("health"));
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.checks.documents?.status).toBe("ok");
    expect(body.checks.secrets?.status).toBe("fail");
  });
});
