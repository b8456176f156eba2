import { describe, expect, it } from "vitest";
import { loadConfig } from "#foundation/config/load-config.js";
import { MASK, isSecretKey, maskSecrets } from "#foundation/config/mask-secrets.js";
import { shippedConfigDir } from "./config-fixture.js";

describe("maskSecrets", () => {
  it.each([
    ["api_key", true],
    ["slack_webhook_url", true],
    ["pagerduty_routing_key", true],
    ["accessToken", true],
    ["client_secret", true],
    ["db_password", true],
    ["credentials", true],
    ["apiKeyHash", true],
    ["api_key_prefix", false],
    ["project", false],
    ["region", false],
    ["max_concurrent", false],
  ])("treats %s as secret-like: %s", (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it("masks secret-like values at any depth, keeps others, and does not touch the input", () => {
    // Prepare
    const input = {
      project: { id: "p1" },
      alerts: { slack_webhook_url: "https://hooks.slack.com/services/T/B/CANARY", pagerduty_routing_key: "", min: 5 },
      providers: [{ name: "aws", credentials: { accessKeyId: "AKIA", nested: ["CANARY2"] } }],
      token: null,
    };
    const before = structuredClone(input);
    // Act
    const masked = maskSecrets(input);
    // Assess
    expect(masked).toEqual({
      project: { id: "p1" },
      alerts: { slack_webhook_url: MASK, pagerduty_routing_key: "", min: 5 },
      providers: [{ name: "aws", credentials: { accessKeyId: MASK, nested: [MASK] } }],
      token: null,
    });
    expect(input).toEqual(before);
    expect(JSON.stringify(masked)).not.toMatch(/CANARY/);
  });

  it("survives circular structures", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;

    expect(maskSecrets(a)).toEqual({ name: "a", self: "[Circular]" });
  });

  it("masks the secrets of a loaded config", async () => {
    const canary = "https://hooks.slack.com/services/T0/B0/CANARYCANARY";
    const config = await loadConfig({
      env: {},
      envName: "prod",
      configDir: shippedConfigDir,
      secrets: { "alerts.slack_webhook_url": canary, ALERTS_PAGERDUTY_ROUTING_KEY: "R0UT1NGCANARY" },
    });

    const logged = JSON.stringify(maskSecrets(config));

    expect(config.alerts.slack_webhook_url).toBe(canary);
    expect(logged).not.toContain("CANARY");
    expect(logged).toContain('"dashboard_url":"http://localhost:5000"');
  });
});
