import { defineScheduledHandler } from "../define.js";

/** Every 10 minutes: sends what is due in the alert queue (transient failures, resolves waiting for their trigger). */
export const retryPendingAlerts = defineScheduledHandler({
  name: "retryPendingAlerts",
  schedule: "*/10 * * * *",
  handler: async ({ ctx, deps }) => {
    const report = await deps.dispatcher.retryPending();
    ctx.log.info("alert queue swept", { ...report.total });
  },
});
