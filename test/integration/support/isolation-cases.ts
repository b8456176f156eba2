import { recommendationIdOf } from "../../entrypoints/support/seed.js";

/**
 * The callables and the inputs an attacker starts from, shared by the isolation suites.
 * `valid` is a legitimate input for the attacker's own tenant; `foreign` names a document that
 * exists only in the victim's tenant, with the code a correct server answers.
 */
export type Status = "OK" | "INVALID_ARGUMENT" | "PERMISSION_DENIED" | "UNAUTHENTICATED" | "NOT_FOUND" | "FAILED_PRECONDITION";

/**
 * Ids of the victim's that exist only at run time: an API key prefix, a live session of one of its
 * users, and list cursors minted on its own collections (a page of one, from the store itself).
 */
export interface VictimIds {
  apiKeyPrefix: string;
  sessionId: string;
  cursors: Partial<Record<"anomalies" | "budgets" | "cloud_accounts", string>>;
}

export interface CallableCase {
  name: string;
  valid: (own: string) => Record<string, unknown>;
  foreign?: { input: (victim: string, ids: VictimIds) => Record<string, unknown>; status: Status };
  acceptsApiKey: boolean;
  /** Lowest trust level (with MFA where ≥3) allowed; "admin" needs trust 4 and the admin zone. */
  needs: 1 | 2 | 3 | "admin";
}

const budget = (id: string) => ({ id, name: "Quarterly cap", amount: "100.50", period: "monthly" });
const account = (accountId: string) => ({
  accountId,
  provider: "gcp",
  billingAccountId: "0000-1111",
  subAccountId: "proj-x",
  environment: "prod",
  credentials: { client_email: "sa@x.iam.gserviceaccount.com", private_key: "k" },
});

export const CASES: CallableCase[] = [
  { name: "getCostSummary", valid: () => ({ start: "2026-01-01", end: "2026-01-31", groupBy: ["service"] }), acceptsApiKey: true, needs: 1,
    foreign: { input: (v) => ({ start: "2026-01-01", end: "2026-01-31", filter: { account: [`proj-${v}`] } }), status: "OK" } },
  { name: "listAnomalies", valid: () => ({}), acceptsApiKey: true, needs: 1,
    // A cursor holds a position, not a collection: the caller's own anomalies after it, nothing of the victim's.
    foreign: { input: (_v, ids) => ({ limit: 5, cursor: ids.cursors.anomalies }), status: "OK" } },
  { name: "updateAnomaly", valid: (t) => ({ id: `anom-${t}`, acknowledge: true }), acceptsApiKey: false, needs: 2,
    foreign: { input: (v) => ({ id: `anom-${v}`, acknowledge: true, feedback: "planned" }), status: "NOT_FOUND" } },
  { name: "listRecommendations", valid: () => ({}), acceptsApiKey: true, needs: 1 },
  { name: "updateRecommendation", valid: () => ({ id: "0".repeat(32), op: "claim" }), acceptsApiKey: false, needs: 2,
    foreign: { input: (v) => ({ id: recommendationIdOf(v), op: "dismiss", reason: "not mine" }), status: "NOT_FOUND" } },
  { name: "getForecast", valid: () => ({}), acceptsApiKey: true, needs: 1,
    foreign: { input: (v) => ({ seriesKey: `only-${v}` }), status: "NOT_FOUND" } },
  { name: "upsertBudget", valid: () => budget("own-budget"), acceptsApiKey: false, needs: 3,
    foreign: { input: (v) => budget(`budget2-${v}`), status: "OK" } },
  { name: "listBudgets", valid: () => ({}), acceptsApiKey: true, needs: 1,
    foreign: { input: (_v, ids) => ({ limit: 5, cursor: ids.cursors.budgets }), status: "OK" } },
  { name: "deleteBudget", valid: () => ({ id: "no-such-budget" }), acceptsApiKey: false, needs: 3,
    foreign: { input: (v) => ({ id: `budget-${v}` }), status: "NOT_FOUND" } },
  { name: "connectCloudAccount", valid: () => account("own-acct"), acceptsApiKey: false, needs: 3,
    foreign: { input: (v) => account(`acct-${v}`), status: "OK" } },
  { name: "listCloudAccounts", valid: () => ({}), acceptsApiKey: false, needs: 1,
    foreign: { input: (_v, ids) => ({ limit: 5, cursor: ids.cursors.cloud_accounts }), status: "OK" } },
  { name: "disconnectCloudAccount", valid: () => ({ accountId: "no-such-acct" }), acceptsApiKey: false, needs: 3,
    foreign: { input: (v) => ({ accountId: `acct2-${v}` }), status: "NOT_FOUND" } },
  { name: "upsertAlertChannel", valid: () => ({ id: "own-chan", kind: "console" }), acceptsApiKey: false, needs: 3,
    foreign: { input: (v) => ({ id: `chan-${v}`, kind: "console" }), status: "OK" } },
  { name: "testAlertChannel", valid: () => ({ id: "no-such-chan" }), acceptsApiKey: false, needs: 3,
    foreign: { input: (v) => ({ id: `chan2-${v}` }), status: "NOT_FOUND" } },
  { name: "createApiKey", valid: () => ({ name: "k", skills: ["costs"], zones: ["prod"] }), acceptsApiKey: false, needs: "admin" },
  { name: "revokeApiKey", valid: () => ({ prefix: "cm_00000000" }), acceptsApiKey: false, needs: "admin",
    foreign: { input: (_v, ids) => ({ prefix: ids.apiKeyPrefix }), status: "NOT_FOUND" } },
  { name: "recordLlmUsage", valid: () => ({ eventId: "iso-event-1", provider: "openai", model: "gpt-4o-mini", inputTokens: 10, outputTokens: 5, requestedAt: "2026-03-01T11:00:00.000Z" /* the harnesses' clock day */ }), acceptsApiKey: true, needs: 2 },
  { name: "getLlmUsage", valid: () => ({ start: "2026-01-01", end: "2026-12-31" }), acceptsApiKey: true, needs: 1 },
  { name: "checkLlmBudget", valid: () => ({ provider: "openai", model: "gpt-4o-mini", tags: { team: "ml" } }), acceptsApiKey: true, needs: 1 },
  { name: "getLlmReconciliation", valid: () => ({ month: "2026-03" }), acceptsApiKey: true, needs: 1 },
  { name: "recordLlmInvoice", valid: () => ({ provider: "openai", month: "2026-02", amountUsd: "12.34" }), acceptsApiKey: false, needs: 2 },
  { name: "getSession", valid: () => ({}), acceptsApiKey: false, needs: 1 },
  { name: "endSession", valid: () => ({ sessionId: "0".repeat(24) }), acceptsApiKey: false, needs: 1,
    foreign: { input: (_v, ids) => ({ sessionId: ids.sessionId }), status: "NOT_FOUND" } },
  { name: "saveWorkspace", valid: () => ({ name: "view", visibility: "private" }), acceptsApiKey: false, needs: 1,
    foreign: { input: (v) => ({ id: `ws2-${v}`, name: "view", visibility: "public" }), status: "OK" } },
  { name: "listWorkspaces", valid: () => ({}), acceptsApiKey: false, needs: 1 },
  { name: "deleteWorkspace", valid: () => ({ id: "no-such-ws" }), acceptsApiKey: false, needs: 1,
    foreign: { input: (v) => ({ id: `ws-${v}` }), status: "NOT_FOUND" } },
  { name: "verifyAuditLog", valid: () => ({}), acceptsApiKey: false, needs: "admin" },
];

/** Status a valid input gets for an allowed caller (some valid inputs name nothing that exists). */
export const VALID_STATUS: Record<string, Status> = {
  disconnectCloudAccount: "NOT_FOUND",
  testAlertChannel: "NOT_FOUND",
  revokeApiKey: "NOT_FOUND",
  deleteWorkspace: "NOT_FOUND",
  deleteBudget: "NOT_FOUND",
  updateRecommendation: "NOT_FOUND",
  endSession: "NOT_FOUND",
};

/** Ways to name another tenant inside `data`: all must be refused by the strict schemas. */
export const FORGED_TENANT_KEYS = ["tenantId", "tenant_id", "tenant", "TenantId", "tenantID", "orgId", "__proto__", "owner", "uid", "ownerId"];

/**
 * Deployed functions that hold tenant data but do not speak the callable protocol, and the suite
 * that runs the same attacks against them in their own protocol.
 */
export const OTHER_PROTOCOL_SUITES: Record<string, string> = {
  mcp: "test/mcp/isolation.test.ts",
};
