import { CostSummaryInput, getCostSummary as summarize } from "#domain/api/cost-summary.js";
import { defineCallable } from "../define.js";

/** Cost totals by day or month, grouped by provider, account, service or region. */
export const getCostSummary = defineCallable({
  name: "getCostSummary",
  input: CostSummaryInput,
  skill: "costs",
  action: "read",
  auth: ["id-token", "api-key"],
  handler: async ({ input, ctx, deps }) => summarize(deps.warehouse, ctx.tenantId, input),
});
