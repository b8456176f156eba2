import { describe, expect, it } from "vitest";
import { messageAttributes } from "#adapters/pubsub/message-attributes.js";
import { AppError } from "#kernel/errors.js";

/** What a published message carries besides its data: routing attributes from the data, plus the caller's. */
describe("messageAttributes", () => {
  it.each([
    ["a collect-account page", { tenantId: "t1", accountId: "a1", provider: "aws", runDate: "2026-11-20", page: { start: "2026-11-01", end: "2026-11-19" } }, { tenantId: "t1", accountId: "a1", windowStart: "2026-11-01", windowEnd: "2026-11-19", runDate: "2026-11-20" }],
    ["a costs-collected message", { tenantId: "t1", runDate: "2026-11-20", accounts: [], failedAccounts: [] }, { tenantId: "t1", runDate: "2026-11-20" }],
    ["the nightly start", { runDate: "2026-11-20" }, { runDate: "2026-11-20" }],
    ["Cloud Scheduler's empty start", {}, {}],
    ["data that is not an object", "text", {}],
    ["fields of the wrong type", { tenantId: 7, page: { start: 1 } }, {}],
  ])("derives the routing attributes of %s", (_name, data, expected) => {
    // Act
    const attributes = messageAttributes(data);
    // Assess
    expect(attributes).toEqual(expected);
  });

  it("keeps the caller's attributes, and the data's value wins over a caller's attribute of the same name", () => {
    // Act
    const attributes = messageAttributes({ tenantId: "t1" }, { traceparent: "00-abc", tenantId: "someone-else" });
    // Assess
    expect(attributes).toEqual({ traceparent: "00-abc", tenantId: "t1" });
  });

  it.each([
    ["a key starting with goog", { googThing: "x" }],
    ["an empty key", { "": "x" }],
    ["a value over 1024 bytes", { big: "é".repeat(513) }],
    ["more than 100 attributes", Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, "v"]))],
  ])("refuses %s as invalid-argument", (_name, caller) => {
    // Act
    const act = () => messageAttributes({}, caller);
    // Assess
    expect(act).toThrow(AppError);
    expect(act).toThrow(/invalid message attributes/);
  });
});
