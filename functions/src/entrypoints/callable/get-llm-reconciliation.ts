import { GetLlmReconciliationInput, getLlmReconciliation as get } from "#domain/llm-usage/reconciliation.js";
import { defineCallable } from "../define.js";

/** A month's flagged events by model and cause, and each provider's ledger total beside its invoice. */
export const getLlmReconciliation = defineCallable({
  name: "getLlmReconciliation",
  input: GetLlmReconciliationInput,
  skill: "llm-usage",
  action: "read",
  auth: ["id-token", "api-key"],
  handler: async ({ input, ctx, deps }) => get(await deps.llmLedger(), deps.documents, ctx.tenantId, input),
});
