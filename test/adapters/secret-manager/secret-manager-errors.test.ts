import { describe, expect, it } from "vitest";
import { rpcFailureOf, toSecretManagerError } from "#adapters/secret-manager/secret-manager-errors.js";

/**
 * The two shapes the client fails in. gRPC cannot run here, so its GoogleError is built as the
 * client builds it (a numeric canonical `code` and "<code> <STATUS>: <message>"); the REST shape is
 * a GaxiosError as it arrives from the real client in secret-manager-secret-store.test.ts (HTTP
 * status as `code` and `status`, the JSON error body as the message).
 */
const grpc = (code: number, status: string, message: string) => Object.assign(new Error(`${code} ${status}: ${message}`), { code, details: message });
const rest = (http: number, status: string, message: string) =>
  Object.assign(new Error(JSON.stringify({ error: { code: http, message, status } })), { name: "GaxiosError", code: http, status: http });

describe("Secret Manager failures as AppErrors", () => {
  it.each([
    ["gRPC NOT_FOUND", grpc(5, "NOT_FOUND", "Secret [projects/1/secrets/x] not found."), "NOT_FOUND", "not-found", false],
    ["REST 404", rest(404, "NOT_FOUND", "Secret [projects/1/secrets/x] not found."), "NOT_FOUND", "not-found", false],
    ["gRPC PERMISSION_DENIED", grpc(7, "PERMISSION_DENIED", "Permission denied."), "PERMISSION_DENIED", "permission-denied", false],
    ["REST 403", rest(403, "PERMISSION_DENIED", "Permission denied."), "PERMISSION_DENIED", "permission-denied", false],
    ["gRPC UNAVAILABLE", grpc(14, "UNAVAILABLE", "unavailable"), "UNAVAILABLE", "unavailable", true],
    ["REST 503", rest(503, "UNAVAILABLE", "unavailable"), "UNAVAILABLE", "unavailable", true],
    ["gRPC RESOURCE_EXHAUSTED", grpc(8, "RESOURCE_EXHAUSTED", "quota"), "RESOURCE_EXHAUSTED", "resource-exhausted", true],
    ["REST 429", rest(429, "RESOURCE_EXHAUSTED", "quota"), "RESOURCE_EXHAUSTED", "resource-exhausted", true],
    ["gRPC DEADLINE_EXCEEDED", grpc(4, "DEADLINE_EXCEEDED", "deadline"), "DEADLINE_EXCEEDED", "deadline-exceeded", true],
    ["REST 400 FAILED_PRECONDITION", rest(400, "FAILED_PRECONDITION", "Secret Version [x/versions/2] is in DISABLED state."), "FAILED_PRECONDITION", "failed-precondition", false],
    ["REST 400 INVALID_ARGUMENT", rest(400, "INVALID_ARGUMENT", "bad"), "INVALID_ARGUMENT", "invalid-argument", false],
    ["REST 409 ALREADY_EXISTS", rest(409, "ALREADY_EXISTS", "exists"), "ALREADY_EXISTS", "already-exists", false],
    ["REST 401", rest(401, "UNAUTHENTICATED", "no credential"), "UNAUTHENTICATED", "internal", false],
    ["REST 502 without a body", Object.assign(new Error("Bad Gateway"), { code: "502", status: 502 }), "UNAVAILABLE", "unavailable", true],
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }), "UNAVAILABLE", "unavailable", true],
  ])("%s → %s", (_label, err, status, code, retryable) => {
    const mapped = toSecretManagerError(err, "read", "cloud-creds/t1/a1");
    expect(rpcFailureOf(err)?.status).toBe(status);
    expect(mapped).toMatchObject({ status, code, retryable });
    expect(mapped.message).toMatch(new RegExp(`^Secret Manager could not read secret cloud-creds/t1/a1: ${status}`));
  });

  it("reports a bug in the client as internal and not retryable", () => {
    const mapped = toSecretManagerError(new TypeError("Cannot read properties of null"), "read", "s");
    expect(mapped).toMatchObject({ status: "CLIENT", code: "internal", retryable: false });
  });

  it("keeps the service's message for the logs, not the original error with its request", () => {
    const err = Object.assign(rest(403, "PERMISSION_DENIED", "Permission 'secretmanager.versions.add' denied."), {
      config: { body: JSON.stringify({ payload: { data: Buffer.from("hunter2-value").toString("base64") } }) },
    });
    const mapped = toSecretManagerError(err, "add a version to", "cloud-creds/t1/a1");
    expect(mapped.cause).not.toBe(err);
    expect(mapped.serviceMessage).toBe("Permission 'secretmanager.versions.add' denied.");
    expect(JSON.stringify({ ...mapped, cause: String(mapped.cause) })).not.toContain(Buffer.from("hunter2-value").toString("base64"));
  });
});
