import { describe, expect, it } from "vitest";
import { AppError, CALLABLE_CODES, type CallableCode, InputError } from "#kernel/errors.js";
import { toCallableError } from "#foundation/pipeline/callable-errors.js";

describe("AppError → callable error body (the one mapping)", () => {
  it.each([
    ["invalid-argument", 400, "INVALID_ARGUMENT"],
    ["unauthenticated", 401, "UNAUTHENTICATED"],
    ["permission-denied", 403, "PERMISSION_DENIED"],
    ["not-found", 404, "NOT_FOUND"],
    ["already-exists", 409, "ALREADY_EXISTS"],
    ["resource-exhausted", 429, "RESOURCE_EXHAUSTED"],
    ["failed-precondition", 400, "FAILED_PRECONDITION"],
    ["unavailable", 503, "UNAVAILABLE"],
    ["internal", 500, "INTERNAL"],
  ] as const)("maps %s to HTTP %i and status %s", (code, http, status) => {
    const mapped = toCallableError(new AppError(code as CallableCode, "why"));
    expect(mapped.httpStatus).toBe(http);
    expect(mapped.body.error.status).toBe(status);
    expect(CALLABLE_CODES[code].http).toBe(http);
  });

  it("shows exposed messages and details, hides 5xx messages by default", () => {
    expect(toCallableError(new AppError("not-found", "budget b1 not found", { details: { id: "b1" } })).body).toEqual({
      error: { status: "NOT_FOUND", message: "budget b1 not found", details: { id: "b1" } },
    });
    expect(toCallableError(new AppError("unavailable", "db at 10.0.0.3 down")).body.error.message).toBe("UNAVAILABLE");
  });

  it("turns unknown errors into internal with a fixed message", () => {
    const mapped = toCallableError(new Error("ENOENT /etc/secret"));
    expect(mapped).toMatchObject({ httpStatus: 500, code: "internal", unexpected: true, body: { error: { status: "INTERNAL", message: "INTERNAL" } } });
    expect(toCallableError("a string").code).toBe("internal");
  });

  it("maps an InputError (an AppError subclass) to invalid-argument with its issues", () => {
    const mapped = toCallableError(new InputError("invalid input: x: bad", [{ path: "x", message: "bad" }]));
    expect(mapped.body.error).toEqual({ status: "INVALID_ARGUMENT", message: "invalid input: x: bad", details: { issues: [{ path: "x", message: "bad" }] } });
  });

  it("maps an error that only looks like an AppError to internal: no duck typing", () => {
    const lookalike = Object.assign(new Error("looks exposed"), { code: "not-found", expose: true, retryable: true });
    const mapped = toCallableError(lookalike);
    expect(mapped).toMatchObject({ code: "internal", unexpected: true, retryable: false, body: { error: { message: "INTERNAL" } } });
  });

  it("marks unavailable retryable and keeps the cause", () => {
    const cause = new Error("socket hang up");
    const e = new AppError("unavailable", "try later", { cause });
    expect(e.retryable).toBe(true);
    expect(e.cause).toBe(cause);
    expect(new AppError("invalid-argument", "x").retryable).toBe(false);
  });
});
