import { anomalyTransition } from "#domain/alerts/anomaly-transition.js";
import { UpdateAnomalyInput, updateAnomaly as update } from "#domain/api/anomalies.js";
import { type AlertsMessageInput, TOPICS } from "#domain/nightly/messages.js";
import { defineCallable } from "../define.js";

/**
 * Acknowledge, resolve and give feedback (expected, unexpected, planned). An acknowledgement or a
 * resolve is also an alert event, so the PagerDuty incident follows (feature flag
 * `alert_acknowledge_sync`, on by default).
 */
export const updateAnomaly = defineCallable({
  name: "updateAnomaly",
  input: UpdateAnomalyInput,
  skill: "anomalies",
  action: "write",
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `anomalies/${input.id}`;
    const now = deps.clock.now();
    const { anomaly, transition } = await update(deps.documents, ctx.tenantId, input, ctx.principal.id, now);
    if (transition && (await deps.flags()).isEnabled("alert_acknowledge_sync", { uid: ctx.principal.id, tenantId: ctx.tenantId })) {
      const event = anomalyTransition(transition, {
        tenantId: ctx.tenantId,
        anomalyId: input.id,
        doc: anomaly,
        by: ctx.principal.id,
        dashboardUrl: deps.config.alerts.dashboard_url,
        now,
      });
      if (event) {
        const message: AlertsMessageInput = { tenantId: ctx.tenantId, events: [event] };
        await deps.bus.publish(TOPICS.alerts, message);
      }
    }
    return anomaly;
  },
});
