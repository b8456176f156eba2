import type { ChannelKind } from "#domain/alerts/channel-config.js";
import type { AlertChannel } from "#domain/alerts/channel-port.js";
import { createConsoleChannel } from "./local/console-channel.js";
import { createPagerDutyChannel } from "./pagerduty/pagerduty-channel.js";
import { createSlackWebhookChannel } from "./slack/slack-webhook-channel.js";

/**
 * The alert channel adapters, one per kind, as deps.ts wires them into the dispatcher and the
 * channel test: Slack incoming webhooks (the URL is each channel's secret), PagerDuty Events API
 * v2 at `pagerDutyEventsUrl`, and the console (one line per alert, for the local run).
 *
 * @example
 *   const channels = createAlertChannels({ pagerDutyEventsUrl: "https://events.pagerduty.com/v2/enqueue" });
 */
export function createAlertChannels(opts: {
  pagerDutyEventsUrl: string;
  /** Where console lines go; default stderr, so that a command's stdout stays machine-readable. */
  consoleWrite?: (line: string) => void;
}): Record<ChannelKind, AlertChannel> {
  return {
    slack: createSlackWebhookChannel(),
    pagerduty: createPagerDutyChannel({ url: opts.pagerDutyEventsUrl }),
    console: createConsoleChannel(opts.consoleWrite ?? ((line) => process.stderr.write(`${line}\n`))),
  };
}
