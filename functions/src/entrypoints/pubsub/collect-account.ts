import { collectAccount as collect } from "#domain/nightly/collect-account.js";
import { CollectAccountMessage, TOPICS } from "#domain/nightly/messages.js";
import { defineEventHandler } from "../define.js";

/** Collects one month page of one account into the ledger; the last page of a tenant starts its analysis. */
export const collectAccount = defineEventHandler({
  name: "collectAccount",
  topic: TOPICS.collectAccount,
  input: CollectAccountMessage,
  handler: async ({ input, ctx, deps }) => {
    const out = await collect(
      { store: deps.documents, bus: deps.bus, warehouse: deps.warehouse, sourceFor: deps.sourceFor, clock: deps.clock },
      input,
    );
    ctx.log.info("account page collected", { tenantId: input.tenantId, accountId: input.accountId, page: input.page, records: out.records, ...out.stats });
  },
});
