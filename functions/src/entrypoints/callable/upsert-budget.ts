import { UpsertBudgetInput, upsertBudget as upsert } from "#domain/api/budgets.js";
import { defineCallable } from "../define.js";

export const upsertBudget = defineCallable({
  name: "upsertBudget",
  input: UpsertBudgetInput,
  skill: "budgets",
  action: "write",
  freeText: (b) => [b.name, b.scope],
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `budgets/${input.id}`;
    // The name is stored as typed: user text is escaped where it is shown, never rewritten here (docs/security.md).
    return upsert(deps.documents, ctx.tenantId, input, ctx.principal.id, deps.clock.now());
  },
});
