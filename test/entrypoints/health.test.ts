import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SecretStore } from "#kernel/ports.js";
import { type SlackReceiver, startSlackReceiver } from "../support/receivers/slack-receiver.js";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, fakeToken, fakeVerifier } from "./support/fake-id-tokens.js";

/**
 * F5 health: liveness at once; readiness runs each dependency check at most once per 5 s and
 * reports it by name only to an allowed service account or a platform admin; everyone else gets
 * the overall status. A failing check pages the operations channel once.
 */
const PLANTED = "abc123-planted-token";
const platformAdmin = bearer({ uid: "ops-1", tenantId: "ops", trustLevel: 4, mfa: true, zones: ["nonprod", "prod", "admin"], platformAdmin: true });
const scheduler = { authorization: `Bearer x.${Buffer.from(JSON.stringify({ iss: "https://accounts.google.com", sub: "1" })).toString("base64url")}.y` };

interface HealthBody {
  status: string;
  checks?: Record<string, { status: string; error?: string }>;
}

describe("health", () => {
  let app: App;
  let slack: SlackReceiver;
  let secretChecks = 0;
  const brokenSecrets: SecretStore = {
    get: async () => {
      secretChecks += 1;
      throw new Error(`secret manager unreachable (token=${PLANTED})`);
    },
    put: async () => {},
    delete: async () => {},
  };
  const get = async (headers: Record<string, string> = {}, query = "") => {
    const res = await fetch(`${await app.url("health")}${query}`, { headers });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    slack = await startSlackReceiver();
    app = await startApp(
      {
        secrets: brokenSecrets,
        verifyIdToken: fakeVerifier,
        verifyOidc: async () => ({ email: "scheduler@demo-test.iam.gserviceaccount.com", subject: "1" }),
      },
      { COSTMON_ALERTS_SLACK_ENABLED: "true", COSTMON_ALERTS_SLACK_WEBHOOK_URL: `${slack.baseUrl}/services/T0/B0/ops` },
    );
  });
  afterAll(async () => {
    await app.close();
    await slack.close();
  });

  it("answers liveness without touching dependencies, and without details to an anonymous caller", async () => {
    const before = secretChecks;
    const live = await get({}, "?probe=live");
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text)).toEqual({ status: "ok" });
    expect(secretChecks).toBe(before);
  });

  it.each([
    ["no credentials", {}],
    ["a tenant admin", bearer({ uid: "ta", tenantId: "t1", trustLevel: 4, mfa: true, zones: ["prod", "admin"] })],
    ["a platform admin without a second factor", bearer({ uid: "pa", tenantId: "ops", trustLevel: 4, zones: ["admin"], platformAdmin: true })],
    ["an expired token", { authorization: `Bearer ${fakeToken({ uid: "ops-1", tenantId: "ops", trustLevel: 4, mfa: true, platformAdmin: true, expired: true })}` }],
  ])("tells %s the overall status only", async (_who, headers) => {
    const r = await get(headers);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: "degraded" });
    expect(r.text).not.toContain(PLANTED);
  });

  it.each([
    ["a platform admin with a second factor", platformAdmin],
    ["an allowed service account (OIDC)", scheduler],
  ])("reports each failing dependency by name to %s, redacted", async (_who, headers) => {
    const r = await get(headers);
    const body = JSON.parse(r.text) as HealthBody;
    expect(r.status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.checks?.documents?.status).toBe("ok");
    expect(body.checks?.secrets?.status).toBe("fail");
    expect(body.checks?.secrets?.error).toContain("secret manager unreachable");
    expect(r.text).not.toContain(PLANTED);
  });

  it("runs the checks at most once per 5 s, and still pages the operations channel once", async () => {
    // Prepare: a fresh window
    app.clock.advance(5_000);
    const before = secretChecks;
    // Act: a burst, then the next window
    const burst = await Promise.all(Array.from({ length: 20 }, () => get()));
    const withinWindow = secretChecks - before;
    app.clock.advance(5_000);
    await get();
    while (slack.messages.length === 0) await new Promise((r) => setTimeout(r, 20));
    // Assess
    expect(burst.every((r) => r.status === 200)).toBe(true);
    expect(withinWindow).toBe(1);
    expect(secretChecks - before).toBe(2);
    expect(slack.messages).toHaveLength(1);
    expect(JSON.stringify(slack.messages[0]?.payload)).toContain("secrets");
  });
});
