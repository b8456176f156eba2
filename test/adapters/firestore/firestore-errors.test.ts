import { describe, expect, it } from "vitest";
import { checked, grpcStatusOf, toAppError } from "#adapters/firestore/firestore-errors.js";
import { AppError } from "#kernel/errors.js";

/** What @grpc/grpc-js rejects with: an Error whose `code` is the gRPC status and `details` its text. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe("Firestore errors as AppErrors", () => {
  it.each([
    [10, "ABORTED: Transaction lock timeout.", "aborted", true],
    [14, "UNAVAILABLE: No connection established", "unavailable", true],
    [4, "DEADLINE_EXCEEDED: Deadline exceeded", "deadline-exceeded", true],
    [8, "RESOURCE_EXHAUSTED: Quota exceeded.", "resource-exhausted", true],
    [13, "INTERNAL: Received RST_STREAM", "internal", true],
    [3, "INVALID_ARGUMENT: 'IN' supports up to 30 comparison values.", "invalid-argument", false],
    [9, "FAILED_PRECONDITION: The query requires an index. You can create it here: https://console.firebase.google.com/...", "failed-precondition", false],
    [6, "ALREADY_EXISTS: entity already exists", "already-exists", false],
    [5, "NOT_FOUND: no entity to update", "not-found", false],
    [7, "PERMISSION_DENIED: Missing or insufficient permissions.", "internal", false],
    [16, "UNAUTHENTICATED: Request had invalid authentication credentials.", "internal", false],
  ])("gRPC status %i (%s) → %s, retryable %s", (code, details, expected, retryable) => {
    // Prepare
    const err = grpcError(code, details);
    // Act
    const mapped = toAppError(err, "list");
    // Assess
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ code: expected, retryable });
    expect(mapped.cause).toBe(err);
    // Firestore's text (an index link, document names) stays in the cause, out of the message.
    expect(mapped.message).toMatch(/^Firestore list failed \([A-Z_]+\)$/);
  });

  it("the missing-index failure is failed-precondition, shown to callers but never retried", () => {
    const mapped = toAppError(grpcError(9, "FAILED_PRECONDITION: The query requires an index."), "list");
    expect([mapped.code, mapped.retryable, mapped.expose, mapped.httpStatus]).toEqual(["failed-precondition", false, true, 400]);
  });

  it.each([
    ["REST reply naming ALREADY_EXISTS on a 409", { code: 409, response: { data: { error: { status: "ALREADY_EXISTS" } } } }, 6],
    ["REST reply naming ABORTED on a 409", { code: 409, response: { data: { error: { status: "ABORTED" } } } }, 10],
    ["bare HTTP 503", { code: 503 }, 14],
    ["bare HTTP 429", { code: 429 }, 8],
    ["a reset connection", { code: "ECONNRESET" }, 14],
    ["not a Firestore failure", new TypeError("x is not a function"), undefined],
  ])("reads the status of %s", (_label, err, status) => {
    expect(grpcStatusOf(err)).toBe(status);
  });

  it("anything else becomes a non-retryable internal error; an AppError passes through", () => {
    const own = new AppError("not-found", "budget b1 not found");
    expect(toAppError(own, "get")).toBe(own);
    expect(toAppError(new Error("Value for argument \"data\" is not a valid Firestore document."), "set")).toMatchObject({ code: "internal", retryable: false, expose: false });
  });

  it("checked turns a helper's TypeError into invalid-argument and keeps it as the cause", () => {
    const cause = new TypeError("invalid document path \"tenants\"");
    const run = () =>
      checked(() => {
        throw cause;
      });
    expect(run).toThrow(AppError);
    try {
      run();
    } catch (err) {
      expect(err).toMatchObject({ code: "invalid-argument", retryable: false, cause });
    }
  });
});
