import { collectAccountFailed as recordFailure } from "#domain/nightly/collect-account.js";
import { CollectAccountMessage, deadLetterTopic, TOPICS } from "#domain/nightly/messages.js";
import { defineEventHandler } from "../define.js";

/**
 * A page that collectAccount gave up on (its dead-letter topic): the account is marked failing,
 * the tenant alerted, and the run goes on to analysis with what was collected.
 */
export const collectAccountFailed = defineEventHandler({
  name: "collectAccountFailed",
  topic: deadLetterTopic(TOPICS.collectAccount),
  input: CollectAccountMessage,
  handler: async ({ input, ctx, deps }) => {
    const a = ctx.message.attributes;
    const reason = a.deadLetterError ?? `collection failed after ${a.CloudPubSubDeadLetterSourceDeliveryCount ?? "several"} attempts`;
    await recordFailure({ store: deps.documents, bus: deps.bus, clock: deps.clock, dashboardUrl: deps.config.alerts.dashboard_url }, input, reason);
    ctx.log.warn("account page failed", { tenantId: input.tenantId, accountId: input.accountId, page: input.page, reason });
  },
});
