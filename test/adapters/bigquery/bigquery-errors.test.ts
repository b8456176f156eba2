import { describe, expect, it } from "vitest";
import { fromApiError, fromJobError, TransientJobFailure } from "#adapters/bigquery/bigquery-errors.js";
import { dmlCounts } from "#adapters/bigquery/bigquery-jobs.js";
import { AppError } from "#kernel/errors.js";

/** An error as @google-cloud/common's ApiError carries it: HTTP status in `code`, BigQuery's reasons in `errors`. */
function apiError(code: number | undefined, reason: string): Error {
  return Object.assign(new Error(`${reason} happened`), { code, errors: [{ reason, message: `${reason} happened` }] });
}

describe("BigQuery failures as AppErrors", () => {
  it.each<[string, { reason: string; message: string }, string, boolean, boolean]>([
    ["backendError", { reason: "backendError", message: "x" }, "unavailable", true, true],
    ["a rate limit on DML jobs", { reason: "jobRateLimitExceeded", message: "x" }, "unavailable", true, true],
    ["a concurrent update", { reason: "invalidQuery", message: "Could not serialize access to table p:d.t due to concurrent update" }, "unavailable", true, true],
    ["a quota", { reason: "quotaExceeded", message: "x" }, "resource-exhausted", true, false],
    ["a syntax error", { reason: "invalidQuery", message: "Syntax error: Unexpected keyword" }, "internal", false, false],
    ["bad data in a load", { reason: "invalid", message: "Invalid BIGNUMERIC value" }, "internal", false, false],
  ])("a job that failed with %s", (_label, errorResult, code, retryable, rerun) => {
    // Act
    const err = fromJobError("merge", errorResult);
    // Assess
    expect(err).toMatchObject({ code, retryable });
    expect(err instanceof TransientJobFailure).toBe(rerun);
  });

  it.each<[string, Error, string, boolean]>([
    ["429 rateLimitExceeded", apiError(429, "rateLimitExceeded"), "unavailable", true],
    ["403 rateLimitExceeded", apiError(403, "rateLimitExceeded"), "resource-exhausted", true],
    ["403 accessDenied", apiError(403, "accessDenied"), "failed-precondition", false],
    ["404 notFound", apiError(404, "notFound"), "failed-precondition", false],
    ["400 invalidQuery", apiError(400, "invalidQuery"), "internal", false],
    ["503 backendError", apiError(503, "backendError"), "unavailable", true],
    ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "unavailable", true],
    ["an insert answered with a failed job", apiError(undefined, "backendError"), "unavailable", true],
  ])("an API call that failed with %s", (_label, cause, code, retryable) => {
    const err = fromApiError("days jobs.insert", cause);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code, retryable, cause });
    expect(err.expose).toBe(false);
  });

  it.each<[string, Parameters<typeof dmlCounts>[0], { inserted: number; updated: number; deleted: number } | "refused"]>([
    ["the split dmlStats give", { statistics: { query: { dmlStats: { insertedRowCount: "3", updatedRowCount: "1", deletedRowCount: "2" } } } }, { inserted: 3, updated: 1, deleted: 2 }],
    ["zero counts omitted", { statistics: { query: { dmlStats: { deletedRowCount: "4" } } } }, { inserted: 0, updated: 0, deleted: 4 }],
    ["a DDL job without statistics", { statistics: { query: {} } }, { inserted: 0, updated: 0, deleted: 0 }],
    ["changes without a split", { statistics: { query: { numDmlAffectedRows: "5" } } }, "refused"],
    ["a malformed count", { statistics: { query: { dmlStats: { insertedRowCount: "many" } } } }, "refused"],
  ])("DML counts: %s", (_label, meta, expected) => {
    if (expected === "refused") expect(() => dmlCounts(meta)).toThrow(AppError);
    else expect(dmlCounts(meta)).toEqual(expected);
  });
});
