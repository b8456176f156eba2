import { ListAnomaliesInput, listAnomalies as list } from "#domain/api/anomalies.js";
import { defineCallable } from "../define.js";

export const listAnomalies = defineCallable({
  name: "listAnomalies",
  input: ListAnomaliesInput,
  skill: "anomalies",
  action: "read",
  auth: ["id-token", "api-key"],
  handler: async ({ input, ctx, deps }) => list(deps.documents, ctx.tenantId, input),
});
