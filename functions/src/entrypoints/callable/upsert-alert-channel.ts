import { UpsertAlertChannelInput, upsertAlertChannel as upsert } from "#domain/api/alert-channels.js";
import { defineCallable } from "../define.js";

/** The webhook URL or routing key goes to the secret store; the document keeps a reference. */
export const upsertAlertChannel = defineCallable({
  name: "upsertAlertChannel",
  input: UpsertAlertChannelInput,
  skill: "alerts",
  action: "write",
  freeText: ({ secret: _secret, ...rest }) => rest,
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `alert_channels/${input.id}`;
    return upsert(deps.documents, deps.secrets, ctx.tenantId, input);
  },
});
