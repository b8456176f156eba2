import { ListBudgetsInput, listBudgets as list } from "#domain/api/budgets.js";
import { defineCallable } from "../define.js";

export const listBudgets = defineCallable({
  name: "listBudgets",
  input: ListBudgetsInput,
  skill: "budgets",
  action: "read",
  auth: ["id-token", "api-key"],
  handler: async ({ input, ctx, deps }) => list(deps.documents, ctx.tenantId, input),
});
