import { describe, expect, it } from "vitest";
import { publishError } from "#adapters/pubsub/pubsub-errors.js";

describe("publishError", () => {
  it.each([
    ["gRPC NOT_FOUND", 5, "failed-precondition", false],
    ["REST 404", 404, "failed-precondition", false],
    ["gRPC PERMISSION_DENIED", 7, "permission-denied", false],
    ["REST 400", 400, "invalid-argument", false],
    ["gRPC UNAVAILABLE", 14, "unavailable", true],
    ["gRPC DEADLINE_EXCEEDED", 4, "unavailable", true],
  ])("maps %s to %s (retryable %s)", (_name, code, expected, retryable) => {
    // Prepare
    const cause = Object.assign(new Error("boom"), { code });
    // Act
    const err = publishError("alerts", cause);
    // Assess
    expect(err).toMatchObject({ code: expected, retryable });
    expect(err.cause).toBe(cause);
  });

  it("treats a failure without a code as transient", () => {
    expect(publishError("alerts", new Error("socket hang up"))).toMatchObject({ code: "unavailable", retryable: true });
  });
});
