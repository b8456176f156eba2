import { describe, expect, it } from "vitest";
import { MASK, isSecretKeyName, redactErrorText, redactFields, redactText } from "#kernel/redact.js";

/** One redaction module: secret shapes, known secrets, log fields, and error text that leaves the process. */
describe("redaction", () => {
  it("masks a known secret in every spelling a message may quote it", () => {
    const url = "https://hooks.example.com/services/T0/B0/CANARY-secret-path";
    const text = `POST ${url} failed; path ${new URL(url).pathname}; encoded ${encodeURIComponent(url)}`;
    const out = redactText(text, [url]);
    expect(out).not.toContain("CANARY");
    expect(out).toContain(MASK);
  });

  it.each([
    ["Authorization: Bearer ya29.canaryToken", "ya29.canaryToken"],
    ["postgres://admin:canary-pw@db:5432", "canary-pw"],
    ["password=canary-pass rejected", "canary-pass"],
    ["https://hooks.slack.com/services/T/B/CANARYXX", "CANARYXX"],
  ])("masks the shape in %j", (text, secret) => {
    expect(redactText(text)).not.toContain(secret);
  });

  it("keeps ids readable in logs but masks long opaque tokens in error text", () => {
    const id = "anomaly-0123456789abcdef0123456789abcdef";
    expect(redactText(`delivery ${id}`)).toContain(id);
    expect(redactErrorText("token AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIII rejected")).not.toContain("AAAABBBB");
  });

  it("masks secret-named fields at any depth", () => {
    expect(redactFields({ a: { clientSecret: "x", note: "ok" }, list: [{ routing_key: "y" }] })).toEqual({
      a: { clientSecret: MASK, note: "ok" },
      list: [{ routing_key: MASK }],
    });
    expect(isSecretKeyName("slack_webhook_url")).toBe(true);
    expect(isSecretKeyName("dashboard_url")).toBe(false);
  });
});
