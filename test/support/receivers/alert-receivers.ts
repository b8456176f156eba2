import { afterEach, beforeEach } from "vitest";
import { type PagerDutyReceiver, startPagerDutyReceiver } from "./pagerduty-receiver.js";
import { type SlackReceiver, startSlackReceiver } from "./slack-receiver.js";

/**
 * A fresh local Slack and PagerDuty receiver for each test of the enclosing `describe`, closed
 * after it. Read them through the returned object inside a test (they change per test).
 *
 * @example
 * describe("alerts", () => {
 *   const receivers = alertReceivers();
 *   it("sends", async () => { ...; expect(receivers.slack.messages).toHaveLength(1); });
 * });
 */
export function alertReceivers(): { slack: SlackReceiver; pd: PagerDutyReceiver } {
  const current = {} as { slack: SlackReceiver; pd: PagerDutyReceiver };
  beforeEach(async () => {
    current.slack = await startSlackReceiver();
    current.pd = await startPagerDutyReceiver();
  });
  afterEach(async () => {
    await current.slack.close();
    await current.pd.close();
  });
  return current;
}
