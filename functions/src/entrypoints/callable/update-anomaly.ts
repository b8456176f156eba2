import { UpdateAnomalyInput, updateAnomaly as update } from "#domain/api/anomalies.js";
import { defineCallable } from "../define.js";

/** Acknowledge an anomaly and give feedback (expected, unexpected, planned). */
export const updateAnomaly = defineCallable({
  name: "updateAnomaly",
  input: UpdateAnomalyInput,
  skill: "anomalies",
  action: "write",
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `anomalies/${input.id}`;
    return update(deps.documents, ctx.tenantId, input, ctx.principal.id, deps.clock.now());
  },
});
