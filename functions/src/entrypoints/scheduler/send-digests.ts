import { sendDigests as send } from "#domain/nightly/dispatch-alerts.js";
import { defineScheduledHandler } from "../define.js";

/** Each morning (08:00 UTC): the daily digests, and on Mondays the weekly ones, to channels that take them. */
export const sendDigests = defineScheduledHandler({
  name: "sendDigests",
  schedule: "0 8 * * *",
  timeZone: "Etc/UTC",
  handler: async ({ input, ctx, deps }) => {
    const report = await send({ dispatcher: deps.dispatcher, store: deps.documents }, input.scheduledAt.slice(0, 10));
    ctx.log.info("digests sent", { ...report.total });
  },
});
