import { GetForecastInput, getForecast as get } from "#domain/api/forecasts.js";
import { defineCallable } from "../define.js";

export const getForecast = defineCallable({
  name: "getForecast",
  input: GetForecastInput,
  skill: "forecasts",
  action: "read",
  auth: ["id-token", "api-key"],
  handler: async ({ input, ctx, deps }) => get(deps.documents, ctx.tenantId, input),
});
