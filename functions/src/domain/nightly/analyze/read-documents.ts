import type { Doc, DocumentData, DocumentStore } from "#kernel/ports.js";
import { type Budget, BudgetSchema, type BudgetState } from "../../analysis/budgets/index.js";
import { type StoredAnomaly, storedAnomalyOf } from "./anomaly-docs.js";
import { paths } from "#kernel/document-paths.js";

/** A budget document that parses, with the threshold state its last evaluation left. */
export interface LoadedBudget {
  path: string;
  budget: Budget;
  state: BudgetState | null;
}

/** Every document one analysis run reads, each read once. */
export interface AnalysisDocuments {
  tenant: DocumentData;
  anomalies: Doc<StoredAnomaly>[];
  budgets: LoadedBudget[];
}

/**
 * Reads the tenant document, its anomalies and its budgets. A budget document that does not
 * parse (a partial write, an older shape) is skipped, not fatal: the other budgets still run.
 */
export async function readAnalysisDocuments(store: DocumentStore, tenantId: string): Promise<AnalysisDocuments> {
  const [tenant, anomalies, budgetDocs] = await Promise.all([
    store.get(paths.tenant(tenantId)),
    store.list<StoredAnomaly>(paths.anomalies(tenantId)),
    store.list(paths.budgets(tenantId)),
  ]);
  const budgets: LoadedBudget[] = [];
  for (const doc of budgetDocs.docs) {
    // state and status are what the analysis writes back, updatedAt and updatedBy what
    // upsertBudget adds; the rest is the user's definition.
    const { state, status: _status, updatedAt: _at, updatedBy: _by, ...definition } = doc.data;
    const parsed = BudgetSchema.safeParse({ ...definition, id: doc.id });
    if (parsed.success) budgets.push({ path: doc.path, budget: parsed.data, state: (state as BudgetState | undefined) ?? null });
  }
  return { tenant: tenant ?? {}, anomalies: anomalies.docs.map((d) => ({ ...d, data: storedAnomalyOf(d.data) })), budgets };
}
