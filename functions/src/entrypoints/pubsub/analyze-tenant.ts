import { analyzeTenant as analyze } from "#domain/nightly/analyze-tenant.js";
import { CostsCollectedMessage, TOPICS } from "#domain/nightly/messages.js";
import { defineEventHandler } from "../define.js";

/** Anomalies, forecasts and budgets of one tenant once its collection is done; new alerts go to the alerts topic. */
export const analyzeTenant = defineEventHandler({
  name: "analyzeTenant",
  topic: TOPICS.costsCollected,
  input: CostsCollectedMessage,
  handler: async ({ input, ctx, deps }) => {
    const { analysis, alerts } = deps.config;
    const r = await analyze(
      {
        warehouse: deps.warehouse,
        store: deps.documents,
        bus: deps.bus,
        clock: deps.clock,
        dashboardUrl: alerts.dashboard_url,
        settings: { historyDays: analysis.history_days, forecastHorizonDays: analysis.forecast_horizon_days },
      },
      input,
    );
    ctx.log.info("tenant analyzed", { tenantId: input.tenantId, runDate: input.runDate, anomalies: r.anomalies.length, alerts: r.alertEvents });
  },
});
