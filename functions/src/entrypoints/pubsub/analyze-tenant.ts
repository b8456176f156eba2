import { syncLlmSpend } from "#domain/llm-usage/nightly.js";
import { analyzeTenant as analyze } from "#domain/nightly/analyze-tenant.js";
import { CostsCollectedMessage, TOPICS } from "#domain/nightly/messages.js";
import { describeError } from "#domain/billing/providers/collection-error.js";
import { tenantCurrencyOf } from "#foundation/config/tenant-currency.js";
import { defineEventHandler } from "../define.js";

/** Anomalies, forecasts and budgets of one tenant once its collection is done; new alerts go to the alerts topic. */
export const analyzeTenant = defineEventHandler({
  name: "analyzeTenant",
  topic: TOPICS.costsCollected,
  input: CostsCollectedMessage,
  handler: async ({ input, ctx, deps }) => {
    const { analysis, alerts } = deps.config;
    // AI spend joins the ledger first, so the analysis below covers it like any other spend.
    const llm = await syncLlmSpend({ ledger: await deps.llmLedger(), warehouse: deps.warehouse, store: deps.documents, now: deps.clock.now() }, input.tenantId, input.runDate, deps.config.llm_usage.max_age_days);
    ctx.log.info("llm spend synced", { tenantId: input.tenantId, ...llm });
    const r = await analyze(
      {
        warehouse: deps.warehouse,
        store: deps.documents,
        bus: deps.bus,
        clock: deps.clock,
        dashboardUrl: alerts.dashboard_url,
        sourceFor: deps.sourceFor,
        onDrillDownError: (seriesKey, err) =>
          ctx.log.warn("root-cause drill-down failed", { tenantId: input.tenantId, seriesKey, error: describeError(err) }),
        settings: { historyDays: analysis.history_days, forecastHorizonDays: analysis.forecast_horizon_days, settleDays: analysis.settle_days },
        currency: tenantCurrencyOf(deps.config.currency, input.tenantId),
      },
      input,
    );
    ctx.log.info("tenant analyzed", { tenantId: input.tenantId, runDate: input.runDate, anomalies: r.anomalies.length, alerts: r.alertEvents });
  },
});
