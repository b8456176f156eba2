import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackWebhookChannel } from "#adapters/slack/slack-webhook-channel.js";
import { parseChannelConfig } from "#domain/alerts/channel-config.js";
import type { ChannelMessage } from "#domain/alerts/channel-port.js";
import { opened, resolved } from "../../domain/alerts/fixtures.js";
import { closedPort } from "../../support/receivers/http-receiver.js";
import { type SlackReceiver, startSlackReceiver } from "../../support/receivers/slack-receiver.js";

const config = parseChannelConfig({ id: "s", tenantId: "acme", kind: "slack", secretRef: "alerts/acme/slack" });
const trigger: ChannelMessage = { kind: "alert", transition: "trigger", event: opened() };

describe("Slack webhook channel against a local Slack receiver", () => {
  let slack: SlackReceiver;
  const channel = createSlackWebhookChannel({ retries: 2, initialDelayMs: 1, maxDelayMs: 5 });
  beforeAll(async () => {
    slack = await startSlackReceiver();
  });
  afterAll(async () => {
    await slack.close();
  });

  it("posts the Block Kit message and gets Slack's ok", async () => {
    const res = await channel.send(trigger, { secret: `${slack.baseUrl}/services/T1/B1/ok`, config });
    expect(res).toEqual({ ok: true, status: 200, detail: "ok" });
    expect(slack.messages.at(-1)?.path).toBe("/services/T1/B1/ok");
    expect(slack.messages.at(-1)?.payload.blocks?.length).toBeGreaterThan(3);
  });

  it.each([
    ["channel_not_found", 404],
    ["channel_is_archived", 410],
    ["no_service", 410],
  ] as const)("treats %s (%i) as permanent", async (behaviour, status) => {
    const path = `/services/T1/B1/${behaviour}`;
    slack.setBehaviour(path, behaviour);
    const res = await channel.send(trigger, { secret: slack.baseUrl + path, config });
    expect(res).toEqual({ ok: false, retryable: false, status, reason: `Slack ${status} ${behaviour}` });
  });

  it("treats invalid_payload (400) as permanent", async () => {
    // A channel that bypasses our renderer to post a malformed block.
    const broken = createSlackWebhookChannel({
      fetch: (url, init) => fetch(url, { ...init, body: JSON.stringify({ blocks: [{ type: "sectoin" }] }) }),
    });
    const res = await broken.send(trigger, { secret: `${slack.baseUrl}/services/T1/B1/x`, config });
    expect(res).toMatchObject({ ok: false, retryable: false, status: 400, reason: "Slack 400 invalid_payload" });
  });

  it.each([429, 500, 503])("retries %i with backoff and then succeeds", async (status) => {
    const before = slack.messages.length;
    slack.failNext(2, status);
    const res = await channel.send(trigger, { secret: `${slack.baseUrl}/services/T1/B1/retry`, config });
    expect(res.ok).toBe(true);
    expect(slack.messages.length).toBe(before + 1);
  });

  it("gives back a retryable failure when the retries run out", async () => {
    slack.failNext(3, 503);
    const res = await channel.send(trigger, { secret: `${slack.baseUrl}/services/T1/B1/retry`, config });
    expect(res).toMatchObject({ ok: false, retryable: true, status: 503 });
  });

  it("reports a network failure without quoting the webhook URL", async () => {
    const secret = `http://127.0.0.1:${await closedPort()}/services/T1/B1/canary-secret-path`;
    const res = await channel.send(trigger, { secret, config });
    expect(res).toEqual({ ok: false, retryable: true, status: undefined, reason: "network error: ECONNREFUSED" });
    expect(JSON.stringify(res)).not.toContain("canary-secret-path");
  });

  it("sends a resolution, and ignores acknowledgements", async () => {
    expect(channel.supports({ kind: "alert", transition: "acknowledge", event: resolved() })).toBe(false);
    const res = await channel.send({ kind: "alert", transition: "resolve", event: resolved() }, { secret: `${slack.baseUrl}/services/T1/B1/ok`, config });
    expect(res.ok).toBe(true);
    expect(slack.messages.at(-1)?.payload.text).toContain("Resolved");
  });
});
