import { UpsertBudgetInput, upsertBudget as upsert } from "#domain/api/budgets.js";
import { sanitizeBounded } from "#foundation/secops/sanitize-text.js";
import { defineCallable } from "../define.js";

export const upsertBudget = defineCallable({
  name: "upsertBudget",
  input: UpsertBudgetInput,
  skill: "budgets",
  action: "write",
  freeText: (b) => [b.name, b.scope],
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `budgets/${input.id}`;
    return upsert(deps.documents, ctx.tenantId, { ...input, name: sanitizeBounded("name", input.name, { min: 1, max: 200 }) }, ctx.principal.id, deps.clock.now());
  },
});
