import { z } from "zod";
import { BudgetSchema } from "../analysis/budgets/budget.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { notFound } from "#kernel/errors.js";
import { Cursor, DocId, listTenantDocs, PageSize } from "./documents.js";
import { paths } from "#kernel/document-paths.js";

/** Budgets at `tenants/{t}/budgets/{id}`; the budget stage adds `state`, which upserts keep. */
export const UpsertBudgetInput = BudgetSchema;
export const ListBudgetsInput = z.strictObject({ limit: PageSize, cursor: Cursor });
export const DeleteBudgetInput = z.strictObject({ id: DocId });

export async function upsertBudget(store: DocumentStore, tenantId: string, budget: z.output<typeof BudgetSchema>, by: string, now: Date) {
  const doc = { ...budget, updatedAt: now.toISOString(), updatedBy: by };
  await store.set(paths.budget(tenantId, budget.id), doc, { merge: true });
  return doc;
}

export async function listBudgets(store: DocumentStore, tenantId: string, q: z.output<typeof ListBudgetsInput>) {
  return listTenantDocs<DocumentData>(store, paths.budgets(tenantId), { limit: q.limit, cursor: q.cursor });
}

export async function deleteBudget(store: DocumentStore, tenantId: string, id: string): Promise<{ id: string; deleted: true }> {
  const path = paths.budget(tenantId, id);
  if (!(await store.get(path))) throw notFound(`budget ${id}`);
  await store.delete(path);
  return { id, deleted: true };
}
