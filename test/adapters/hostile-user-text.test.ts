import { describe, expect, it } from "vitest";
import { consoleAlertLine } from "#adapters/local/console-channel.js";
import { pagerDutyBody } from "#adapters/pagerduty/pagerduty-event.js";
import { slackAlertMessage } from "#adapters/slack/slack-alert-message.js";
import { slackDigestMessage } from "#adapters/slack/slack-digest-message.js";
import { collectionFailing } from "#domain/alerts/alert-event.js";
import { buildDigest } from "#domain/alerts/digest.js";
import { displayText } from "#domain/alerts/display-text.js";
import { budgetEvent, opened } from "../domain/alerts/fixtures.js";
import { expectInertSlackPayload, HOSTILE, slackDecoded, UNSAFE_IN_A_LINE } from "../support/hostile-text.js";

/**
 * User text is stored as typed and escaped where it is shown (docs/security.md, "Stored text"):
 * here, hostile text in every user-controlled field of an alert goes through every renderer.
 */
const ORIGIN = "https://costs.example.com/";
const hostileWhere = { provider: "aws", accountId: `acct ${HOSTILE}`, service: HOSTILE, region: "us-east-1" };
const events = () => [
  budgetEvent({ budgetName: HOSTILE, where: hostileWhere }),
  opened({ where: hostileWhere, rootCauses: [{ dimension: "tag:team", value: HOSTILE, contribution: "12" }] }),
  collectionFailing({
    tenantId: "acme",
    severity: "high",
    impact: "0",
    dashboardUrl: `${ORIGIN}t/acme`,
    occurredAt: "2026-11-20T06:00:00Z",
    where: hostileWhere,
    accountId: "acct-1",
    since: "2026-11-18",
    consecutiveFailures: 2,
    lastError: HOSTILE,
  }),
];

describe("hostile user text through the renderers", () => {
  it.each(events().map((e) => [e.type, e] as const))("Slack: %s can mention, link and break lines nowhere", (_type, event) => {
    // Act
    const payload = slackAlertMessage(event);
    // Assess
    expectInertSlackPayload(payload, ORIGIN);
    for (const block of payload.blocks) {
      if (block.type !== "section") continue;
      for (const field of block.fields ?? []) expect(field.text.split("\n"), field.text).toHaveLength(2);
    }
  });

  it("Slack shows the budget name as typed, on one line", () => {
    const payload = slackAlertMessage(budgetEvent({ budgetName: HOSTILE }));
    const budget = payload.blocks.flatMap((b) => (b.type === "section" ? (b.fields ?? []) : [])).find((f) => f.text.startsWith("*Budget*"));

    expect(slackDecoded(budget?.text ?? "")).toBe(`*Budget*\n${displayText(HOSTILE)} (2026-11)`);
  });

  it("Slack digest: a stored headline full of control sequences stays inert", () => {
    const digest = buildDigest("acme", "daily", new Date("2026-11-19T00:00:00Z"), new Date("2026-11-20T00:00:00Z"), [
      { event: budgetEvent({ budgetName: HOSTILE }), deferred: false },
    ]);
    const item = digest.items[0];
    if (!item) throw new Error("expected a digest item");

    const payload = slackDigestMessage({ ...digest, items: [{ ...item, headline: HOSTILE }] });

    expectInertSlackPayload(payload, ORIGIN);
  });

  it.each(events().map((e) => [e.type, e] as const))("PagerDuty: %s puts no control character in what a responder reads", (_type, event) => {
    // Act
    const body = pagerDutyBody(event, "trigger", "r".repeat(32));
    // Assess
    if (body.event_action !== "trigger") throw new Error("expected a trigger");
    const { summary, source, component, group, custom_details } = body.payload;
    const strings = [summary, source, component ?? "", group ?? "", ...Object.values(custom_details).flat().filter((v): v is string => typeof v === "string")];
    for (const s of strings) expect(s, s).not.toMatch(UNSAFE_IN_A_LINE);
  });

  it("PagerDuty keeps the text as typed, markup included (it is plain text there)", () => {
    const body = pagerDutyBody(budgetEvent({ budgetName: HOSTILE }), "trigger", "r".repeat(32));

    expect(body.event_action === "trigger" && body.payload.summary).toContain(displayText(HOSTILE));
  });

  it.each(events().map((e) => [e.type, e] as const))("console: %s stays one line without terminal escapes", (_type, event) => {
    const line = consoleAlertLine({ kind: "alert", event, transition: "trigger" });

    expect(line).not.toMatch(UNSAFE_IN_A_LINE);
    expect(line).toContain("<!channel>");
  });
});
