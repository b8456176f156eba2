import { AppError } from "./errors.js";

/**
 * Every document path of the tenant store, in one place (DESIGN.md §4 data model). Ids are
 * checked as path segments: a `/` would address another collection, so an id that is empty, holds
 * a slash, is `.` or `..`, or is longer than Firestore allows is refused with `invalid-argument`
 * instead of reaching the store. The module lives in the kernel, not in `domain/tenants/` as
 * DESIGN.md places it, because the foundation (sessions, API keys, audit heads, idempotency
 * leases) needs the same paths and must not import the domain.
 *
 * @example
 *   paths.budget("acme", "monthly");   // "tenants/acme/budgets/monthly"
 *   paths.budgets("acme");             // the collection
 */

/** Firestore's limit is 1,500 bytes per id; our ids are far shorter, so be stricter. */
const MAX_SEGMENT = 512;

/** One path segment; throws `invalid-argument` for anything that could escape its collection. */
export function segment(id: string, what = "id"): string {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_SEGMENT || id.includes("/") || id === "." || id === ".." || /^__.*__$/.test(id)) {
    throw new AppError("invalid-argument", `invalid ${what}: must be 1-${MAX_SEGMENT} characters without "/"`);
  }
  return id;
}

/** An audit seq as a document id: 12 digits, zero-padded. */
export function auditSeqId(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new AppError("invalid-argument", "invalid audit seq: must be a positive integer");
  return String(seq).padStart(12, "0");
}

const tenant = (t: string) => `tenants/${segment(t, "tenant id")}`;
const under = (t: string, collection: string) => `${tenant(t)}/${collection}`;
const doc = (t: string, collection: string, id: string, what: string) => `${under(t, collection)}/${segment(id, what)}`;

export const paths = {
  tenants: () => "tenants",
  tenant,
  cloudAccounts: (t: string) => under(t, "cloud_accounts"),
  cloudAccount: (t: string, id: string) => doc(t, "cloud_accounts", id, "account id"),
  budgets: (t: string) => under(t, "budgets"),
  budget: (t: string, id: string) => doc(t, "budgets", id, "budget id"),
  anomalies: (t: string) => under(t, "anomalies"),
  anomaly: (t: string, id: string) => doc(t, "anomalies", id, "anomaly id"),
  recommendations: (t: string) => under(t, "recommendations"),
  recommendation: (t: string, id: string) => doc(t, "recommendations", id, "recommendation id"),
  forecasts: (t: string) => under(t, "forecasts"),
  forecast: (t: string, id: string) => doc(t, "forecasts", id, "forecast id"),
  alertChannels: (t: string) => under(t, "alert_channels"),
  alertChannel: (t: string, id: string) => doc(t, "alert_channels", id, "channel id"),
  runs: (t: string) => under(t, "runs"),
  run: (t: string, runDate: string) => doc(t, "runs", runDate, "run date"),
  llmUsageDaily: (t: string) => under(t, "llm_usage_daily"),
  llmUsageDay: (t: string, id: string) => doc(t, "llm_usage_daily", id, "usage id"),
  /** Providers' invoice totals per month, entered for reconciliation (`{provider}~{YYYY-MM}`). */
  llmInvoices: (t: string) => under(t, "llm_invoices"),
  llmInvoice: (t: string, id: string) => doc(t, "llm_invoices", id, "invoice id"),
  users: (t: string) => under(t, "users"),
  user: (t: string, uid: string) => doc(t, "users", uid, "user id"),
  sessions: (t: string) => under(t, "sessions"),
  session: (t: string, id: string) => doc(t, "sessions", id, "session id"),
  workspaces: (t: string) => under(t, "workspaces"),
  workspace: (t: string, id: string) => doc(t, "workspaces", id, "workspace id"),
  apiKeys: (t: string) => under(t, "api_keys"),
  apiKey: (t: string, hash: string) => doc(t, "api_keys", hash, "api key"),
  /** Platform-wide, keyed by the key's hash, so a presented key finds its tenant. */
  apiKeyIndex: (hash: string) => `api_key_index/${segment(hash, "api key hash")}`,
  /** The index as a collection (a key found by its prefix). */
  apiKeyIndexes: () => "api_key_index",
  auditHead: (stream: string) => `audit_heads/${encodeURIComponent(stream)}`,
  auditRecords: (stream: string) => `audit_streams/${encodeURIComponent(stream)}/records`,
  /** One record of a stream; the id is its seq, zero-padded so that ids sort as seqs do. */
  auditRecord: (stream: string, seq: number) => `audit_streams/${encodeURIComponent(stream)}/records/${auditSeqId(seq)}`,
  /** The signed checkpoints of a stream (secops/audit-checkpoints.ts), keyed like its records. */
  auditCheckpoints: (stream: string) => `audit_streams/${encodeURIComponent(stream)}/checkpoints`,
  auditCheckpoint: (stream: string, seq: number) => `audit_streams/${encodeURIComponent(stream)}/checkpoints/${auditSeqId(seq)}`,
  /** Platform-wide: the public half of an audit signing key, published for auditors (keyed by its key id). */
  auditKey: (keyId: string) => `audit_keys/${segment(keyId, "audit key id")}`,
  /** One event function's lease on one message or natural key (the key is a digest). */
  idempotencyLease: (fn: string, keyDigest: string) => `idempotency/${segment(`${fn}~${keyDigest}`, "idempotency key")}`,
  alertDeliveries: () => "alert_deliveries",
  alertDelivery: (id: string) => `alert_deliveries/${segment(id, "delivery id")}`,
  alertDeadLetters: () => "alert_dead_letters",
  alertDeadLetter: (id: string) => `alert_dead_letters/${segment(id, "delivery id")}`,
  /** Platform-wide: messages given up on, one per topic and message id, kept to be listed and replayed (F5). */
  deadLetters: () => "dead_letters",
  deadLetter: (id: string) => `dead_letters/${segment(id, "dead letter id")}`,
  healthWarnings: () => "platform_health_warnings",
  healthWarning: (id: string) => `platform_health_warnings/${segment(id, "warning id")}`,
  platformHealthProbe: () => "platform/health",
  /** F4 brute-force lockout state of one request source, shared by every instance (keyed by a digest of the source). */
  bruteForceSource: (sourceDigest: string) => `platform/brute_force/sources/${segment(sourceDigest, "source digest")}`,
} as const;
