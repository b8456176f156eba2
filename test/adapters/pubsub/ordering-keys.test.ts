import { describe, expect, it } from "vitest";
import { nightlyOrderingKey, ORDERED_TOPICS } from "#adapters/pubsub/ordering-keys.js";

describe("nightlyOrderingKey", () => {
  it("keys alerts by tenant, so one tenant's trigger and resolve keep their order", () => {
    expect(nightlyOrderingKey("alerts", { tenantId: "t1", events: [] })).toBe("t1");
    expect(ORDERED_TOPICS.has("alerts")).toBe(true);
  });

  it.each([
    ["collect-account", { tenantId: "t1", accountId: "a1" }],
    ["costs-collected", { tenantId: "t1" }],
    ["nightly-collect", {}],
    ["alerts", { events: [] }],
    ["alerts", null],
  ])("sets no key on %s %j", (topic, data) => {
    expect(nightlyOrderingKey(topic, data)).toBeUndefined();
  });
});
