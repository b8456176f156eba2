import { UpsertBudgetInput, upsertBudget as upsert } from "#domain/api/budgets.js";
import { sanitizeText } from "#foundation/secops/sanitize-text.js";
import { defineCallable } from "../define.js";

export const upsertBudget = defineCallable({
  name: "upsertBudget",
  input: UpsertBudgetInput,
  skill: "budgets",
  action: "write",
  freeText: (b) => [b.name, b.scope],
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `budgets/${input.id}`;
    return upsert(deps.documents, ctx.tenantId, { ...input, name: sanitizeText(input.name) }, ctx.principal.id, deps.clock.now());
  },
});
