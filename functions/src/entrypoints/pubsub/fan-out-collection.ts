import { fanOutCollection as fanOut } from "#domain/nightly/fan-out.js";
import { NightlyCollectMessage, TOPICS } from "#domain/nightly/messages.js";
import { defineEventHandler } from "../define.js";

/** Starts the nightly: one collect-account message per tenant, account and month page. */
export const fanOutCollection = defineEventHandler({
  name: "fanOutCollection",
  topic: TOPICS.nightlyCollect,
  input: NightlyCollectMessage,
  handler: async ({ input, ctx, deps }) => {
    const { collection } = deps.config;
    const r = await fanOut(
      { store: deps.documents, bus: deps.bus, clock: deps.clock, trailingDays: collection.trailing_days, historyMonths: collection.history_months },
      input,
      ctx.message.publishedAt,
    );
    ctx.log.info("nightly fanned out", { runDate: r.runDate, tenants: r.tenants, pages: r.messages });
  },
});
