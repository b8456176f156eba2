import { DeleteBudgetInput, deleteBudget as remove } from "#domain/api/budgets.js";
import { defineCallable } from "../define.js";

export const deleteBudget = defineCallable({
  name: "deleteBudget",
  input: DeleteBudgetInput,
  skill: "budgets",
  action: "delete",
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `budgets/${input.id}`;
    return remove(deps.documents, ctx.tenantId, input.id);
  },
});
