import { dispatchAlerts as dispatch } from "#domain/nightly/dispatch-alerts.js";
import { AlertsMessage, TOPICS } from "#domain/nightly/messages.js";
import { defineEventHandler } from "../define.js";

/** Routes alert events to the tenant's Slack, PagerDuty and console channels, once each. */
export const dispatchAlerts = defineEventHandler({
  name: "dispatchAlerts",
  topic: TOPICS.alerts,
  input: AlertsMessage,
  handler: async ({ input, ctx, deps }) => {
    const report = await dispatch({ dispatcher: deps.dispatcher, store: deps.documents }, input, ctx.message.id);
    ctx.log.info("alerts dispatched", { tenantId: input.tenantId, events: input.events.length, ...report.total });
  },
});
