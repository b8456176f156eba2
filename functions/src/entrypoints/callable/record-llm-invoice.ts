import { RecordLlmInvoiceInput, recordLlmInvoice as record } from "#domain/llm-usage/reconciliation.js";
import { defineCallable } from "../define.js";

/** A provider's invoice total for a month, entered by a person to be compared with the ledger (getLlmReconciliation). */
export const recordLlmInvoice = defineCallable({
  name: "recordLlmInvoice",
  input: RecordLlmInvoiceInput,
  skill: "llm-usage",
  action: "write",
  freeText: (i) => [i.reference],
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `llm_invoices/${input.provider}~${input.month}`;
    return record(deps.documents, ctx.tenantId, input, ctx.principal.id, deps.clock.now());
  },
});
