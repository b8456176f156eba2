import { TestAlertChannelInput, testAlertChannel as sendTest } from "#domain/api/alert-channels.js";
import { defineCallable } from "../define.js";

/** Sends a test message through the channel's real adapter (Slack, PagerDuty, console). */
export const testAlertChannel = defineCallable({
  name: "testAlertChannel",
  input: TestAlertChannelInput,
  skill: "alerts",
  action: "write",
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `alert_channels/${input.id}`;
    return sendTest(
      { store: deps.documents, secrets: deps.secrets, channels: deps.channels, now: deps.clock.now(), dashboardUrl: deps.config.alerts.dashboard_url },
      ctx.tenantId,
      input.id,
    );
  },
});
