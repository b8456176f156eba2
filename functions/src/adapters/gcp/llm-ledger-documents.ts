import { createHash } from "node:crypto";
import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import type { BudgetIncrement } from "#domain/llm-usage/ledger-port.js";
import { TenantIdSchema } from "#foundation/iam/model.js";
import { InputError } from "#kernel/errors.js";
import type { HistoryRow } from "../bigquery/history-writer.js";

/**
 * The Firestore side of the gcp LLM ledger, under each tenant's document:
 * - `llm_event_claims/{sha256(eventId)}`: one per event id the ledger has counted: the idempotency
 *   record that a retried event meets. It names the outbox document that carried the event to
 *   BigQuery, and `expireAt` (for a TTL policy) lies past the last day a retry could arrive.
 * - `llm_budget_totals/{sha256(budgetId, periodKey)}`: a budget period's running total, in
 *   pico-dollars as decimal text (a month of spend can pass int64 pico-dollars at 9.2 million USD).
 * - `llm_event_outbox/{uuid}`: the rows of events claimed but not yet known to be in BigQuery, as
 *   JSON text; deleted once BigQuery accepted them.
 * Ids are hashes so that sequential event ids do not make a write hotspot (Firestore best
 * practices: "avoid monotonically increasing document IDs") and any id character is allowed.
 *
 * @example
 *   const refs = ledgerRefs(firestore, "acme");
 *   await refs.claim("evt-1").get();
 */

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The tenant id as a Firestore path segment; the tenant ids the platform issues pass. */
export function tenantSegment(tenantId: string): string {
  const r = TenantIdSchema.safeParse(tenantId);
  if (!r.success) throw new InputError("invalid tenantId", [{ path: "tenantId", message: r.error.issues[0]?.message ?? "invalid" }]);
  return r.data;
}

export function ledgerRefs(db: Firestore, tenantId: string) {
  const tenant = db.collection("tenants").doc(tenantSegment(tenantId));
  return {
    claim: (eventId: string): DocumentReference => tenant.collection("llm_event_claims").doc(sha256(eventId)),
    total: (k: { budgetId: string; periodKey: string }): DocumentReference => tenant.collection("llm_budget_totals").doc(sha256(`${k.budgetId}\u0000${k.periodKey}`)),
    outbox: (id: string): DocumentReference => tenant.collection("llm_event_outbox").doc(id),
    outboxes: () => tenant.collection("llm_event_outbox"),
  };
}

export const TotalDoc = z.object({ budgetId: z.string(), periodKey: z.string(), pico: z.string().regex(/^-?\d+$/) });

/** The stored pico-dollars of a running total document. */
export function storedPico(data: unknown): bigint {
  return BigInt(TotalDoc.parse(data).pico);
}

const OutboxRows = z.array(z.object({ insertId: z.string(), values: z.record(z.string(), z.unknown()) }));

export function outboxRows(data: unknown): HistoryRow[] {
  const doc = z.object({ rows: z.string() }).parse(data);
  return OutboxRows.parse(JSON.parse(doc.rows));
}

/**
 * Rows cut into outbox documents of at most `maxBytes` of JSON each (a document holds at most
 * 1 MiB); a row longer than that is a document of its own.
 */
export function outboxChunks(rows: readonly HistoryRow[], maxBytes = 800_000): HistoryRow[][] {
  const chunks: HistoryRow[][] = [];
  let current: HistoryRow[] = [];
  let size = 0;
  for (const r of rows) {
    const bytes = Buffer.byteLength(JSON.stringify(r), "utf8") + 1;
    if (current.length && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += bytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** Increments to the same budget period added together: one write per running total. */
export function mergeIncrements(increments: readonly BudgetIncrement[]): BudgetIncrement[] {
  const merged = new Map<string, BudgetIncrement>();
  for (const inc of increments) {
    const k = `${inc.budgetId}\u0000${inc.periodKey}`;
    const cur = merged.get(k);
    merged.set(k, { ...inc, pico: (cur?.pico ?? 0n) + inc.pico });
  }
  return [...merged.values()];
}
