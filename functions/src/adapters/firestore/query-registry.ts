import type { WhereOp } from "#kernel/ports.js";

/**
 * Every DocumentStore query of functions/src that filters or orders on a field, in one list, so
 * that Firestore's composite indexes follow from the code instead of from memory:
 * `firestore.indexes.json` is generated from this list (composite-indexes.ts,
 * `node scripts/firestore-indexes.mjs`), and two tests keep both honest
 * (test/adapters/firestore/query-registry.test.ts): the index file must hold exactly the indexes
 * these queries need, and a static scan of every `list(` call fails when a query on more than one
 * field is missing here, or when an entry here matches no query any more.
 *
 * Register a query the way the code makes it: the filters (field and operator; values do not
 * matter), the explicit orderBy, and which filters the code adds only sometimes (`optional`): each
 * combination of those is a query of its own and may need its own index.
 *
 * @example
 *   { id: "sessions.live", collection: "sessions", source: "foundation/session/sessions.ts",
 *     where: [["uid", "=="], ["endedAt", "=="]], why: "a user's live sessions" }
 */
export interface RegisteredQuery {
  /** Stable name, for messages. */
  id: string;
  /** Collection id: the last segment of the collection path (Firestore's `collectionGroup` of an index). */
  collection: string;
  /** Queries run on one collection (`COLLECTION`) or across all collections of that id (`COLLECTION_GROUP`). */
  scope?: "COLLECTION" | "COLLECTION_GROUP";
  /** The file that builds the filters, relative to functions/src. */
  source: string;
  where?: readonly (readonly [field: string, op: WhereOp])[];
  orderBy?: readonly { field: string; direction?: "asc" | "desc" }[];
  /** Fields whose filters are added only sometimes. */
  optional?: readonly string[];
  /** What the query is for. */
  why: string;
}

export const QUERY_REGISTRY: readonly RegisteredQuery[] = [
  {
    id: "recommendations.filtered",
    collection: "recommendations",
    source: "domain/recommendations/lifecycle.ts",
    where: [
      ["provider", "=="],
      ["category", "=="],
      ["state", "=="],
    ],
    optional: ["provider", "category", "state"],
    why: "listRecommendations narrows a tenant's recommendations by provider, category and state",
  },
  {
    id: "sessions.live",
    collection: "sessions",
    source: "foundation/session/sessions.ts",
    where: [
      ["uid", "=="],
      ["endedAt", "=="],
    ],
    why: "a user's live sessions (endedAt == null), to cap them at session.max_concurrent",
  },
  {
    id: "apiKeys.byPrefix",
    collection: "api_keys",
    source: "foundation/iam/api-keys.ts",
    where: [["prefix", "=="]],
    why: "revocation finds a tenant's key by its public prefix",
  },
  {
    id: "audit.recordsInOrder",
    collection: "records",
    source: "foundation/secops/audit-verify.ts",
    orderBy: [{ field: "seq", direction: "asc" }],
    why: "verifyAuditLog walks a stream's hash chain in sequence order",
  },
  {
    id: "anomalies.byStatusAndSeverity",
    collection: "anomalies",
    source: "domain/api/anomalies.ts",
    where: [
      ["status", "=="],
      ["severity", "=="],
    ],
    optional: ["status", "severity"],
    why: "listAnomalies, filtered by status, severity or both",
  },
  {
    id: "alertDeliveries.queued",
    collection: "alert_deliveries",
    source: "domain/alerts/outbox.ts",
    where: [["status", "in"]],
    why: "the alert outbox's sweep: deliveries still pending or sending",
  },
  {
    id: "alertDeliveries.ofTenantSince",
    collection: "alert_deliveries",
    source: "domain/alerts/outbox.ts",
    where: [
      ["tenantId", "=="],
      ["createdAt", ">="],
    ],
    why: "digests: a tenant's alerts created since the start of the period",
  },
];
