import { z } from "zod";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { notFound } from "#kernel/errors.js";
import { paths } from "#kernel/document-paths.js";
import { Cursor, DocId, type ListPage, listTenantDocs, PageSize } from "./documents.js";

/** Reads and triages `tenants/{t}/anomalies/{id}`; the analysis stage owns their content. */
export const ListAnomaliesInput = z.strictObject({
  status: z.enum(["open", "acknowledged", "resolved"]).optional(),
  severity: z.enum(["critical", "high", "medium", "low", "info"]).optional(),
  limit: PageSize,
  cursor: Cursor,
});

export const UpdateAnomalyInput = z
  .strictObject({
    id: DocId,
    acknowledge: z.boolean().optional(),
    /** Marks the anomaly resolved by hand (the nightly also resolves it once the series is back to normal). */
    resolve: z.literal(true).optional(),
    feedback: z.enum(["expected", "unexpected", "planned"]).nullable().optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((u) => u.acknowledge !== undefined || u.resolve !== undefined || u.feedback !== undefined || u.note !== undefined, {
    message: "nothing to update: give acknowledge, resolve, feedback or note",
  });

export async function listAnomalies(
  store: DocumentStore,
  tenantId: string,
  q: z.output<typeof ListAnomaliesInput>,
): Promise<ListPage<DocumentData>> {
  const where: [string, "==", unknown][] = [];
  if (q.status) where.push(["status", "==", q.status]);
  if (q.severity) where.push(["severity", "==", q.severity]);
  return listTenantDocs(store, paths.anomalies(tenantId), { limit: q.limit, cursor: q.cursor, where });
}

export interface AnomalyUpdate {
  anomaly: DocumentData & { id: string };
  /** The status change this update made, if any: what the alert channels must hear about. */
  transition: "acknowledged" | "resolved" | null;
}

/** Acknowledge, resolve and feedback (expected / unexpected / planned); feedback feeds the detector's next run. */
export async function updateAnomaly(
  store: DocumentStore,
  tenantId: string,
  u: z.output<typeof UpdateAnomalyInput>,
  by: string,
  now: Date,
): Promise<AnomalyUpdate> {
  let transition: AnomalyUpdate["transition"] = null;
  const updated = await store.update<DocumentData>(paths.anomaly(tenantId, u.id), (cur) => {
    transition = null; // the function may run more than once (a transaction retry)
    if (!cur) return null;
    const next: DocumentData = { ...cur, updatedAt: now.toISOString(), updatedBy: by };
    if (u.acknowledge === true && cur.status === "open") {
      next.status = "acknowledged";
      transition = "acknowledged";
    }
    if (u.acknowledge === false && cur.status === "acknowledged") next.status = "open";
    if (u.resolve && cur.status !== "resolved") {
      next.status = "resolved";
      next.resolvedAt = now.toISOString().slice(0, 10);
      transition = "resolved";
    }
    if (u.feedback !== undefined) next.feedback = u.feedback;
    if (u.note !== undefined) next.note = u.note;
    return next;
  });
  if (!updated) throw notFound(`anomaly ${u.id}`);
  return { anomaly: { ...updated, id: u.id }, transition };
}
