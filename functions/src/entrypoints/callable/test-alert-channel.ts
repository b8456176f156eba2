import { TestAlertChannelInput, testAlertChannel as sendTest } from "#domain/api/alert-channels.js";
import { defineCallable } from "../define.js";

export const testAlertChannel = defineCallable({
  name: "testAlertChannel",
  input: TestAlertChannelInput,
  skill: "alerts",
  action: "write",
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `alert_channels/${input.id}`;
    return sendTest(deps.documents, deps.secrets, deps.channelTester, ctx.tenantId, input.id);
  },
});
