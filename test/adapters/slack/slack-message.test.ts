import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { slackAlertMessage, slackResolutionMessage } from "#adapters/slack/slack-alert-message.js";
import { slackDigestMessage } from "#adapters/slack/slack-digest-message.js";
import { joinWithinLimit, SLACK_LIMITS, slackLimitViolations } from "#adapters/slack/slack-limits.js";
import { buildDigest } from "#domain/alerts/digest.js";
import { opened, otherEvents, causes, resolved } from "../../domain/alerts/fixtures.js";
import { slackPayloadErrors } from "../../support/receivers/slack-payload-check.js";
import { sharedData } from "../../support/shared-data.js";

const example = (file: string) =>
  JSON.parse(readFileSync(sharedData("slack-webhook-blockkit", "slack-github-action-examples", file), "utf8")) as unknown;

describe("Slack payload check (the receiver's)", () => {
  it.each(["blocks.payload.extracted.json", "text.payload.extracted.json", "saved.data.json"])(
    "accepts Slack's own example payload %s",
    (file) => {
      expect(slackPayloadErrors(example(file))).toEqual([]);
    },
  );

  it.each([
    ["an unknown block type", { blocks: [{ type: "sectoin", text: { type: "mrkdwn", text: "x" } }] }, /unknown block type/],
    ["a section with neither text nor fields", { blocks: [{ type: "section" }] }, /needs text or fields/],
    ["a header in mrkdwn", { blocks: [{ type: "header", text: { type: "mrkdwn", text: "x" } }] }, /blocks\.0\.text/],
    ["no text and no blocks", {}, /text or blocks required/],
    ["51 blocks", { text: "x", blocks: Array(51).fill({ type: "divider" }) }, /51 blocks > 50/],
  ])("refuses %s", (_label, payload, message) => {
    expect(slackPayloadErrors(payload).join("\n")).toMatch(message);
  });
});

describe("Slack alert message", () => {
  it("shows what, where, expected vs actual, impact, root causes, forecast vs budget and action buttons", () => {
    // Prepare / Act
    const p = slackAlertMessage(opened());
    const json = JSON.stringify(p);
    // Assess
    expect(slackPayloadErrors(p)).toEqual([]);
    expect(p.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "actions", "context"]);
    expect(p.text).toContain("Cost anomaly +$1,840.25 on aws / 123456789012 / AmazonEC2 / us-east-1");
    for (const s of ["*Expected*\\n$410.00", "*Actual*\\n$2,250.25", "*Impact*\\n$1,840.25", "*Where*\\naws / 123456789012 / AmazonEC2 / us-east-1", "$52,000.00 vs $45,000.00"]) {
      expect(json).toContain(s);
    }
    expect(json).toContain("usage_type = `BoxUsage:p4d.24xlarge`: +$1,700.10");
    const actions = p.blocks.find((b) => b.type === "actions");
    expect(actions?.type === "actions" && actions.elements.map((e) => (e.type === "button" ? [e.text.text, e.url] : null))).toEqual([
      ["Open dashboard", "https://costs.example.com/t/acme/anomalies/an-1"],
      ["Acknowledge", "https://costs.example.com/t/acme/anomalies/an-1?action=acknowledge"],
      ["Give feedback", "https://costs.example.com/t/acme/anomalies/an-1?action=feedback"],
    ]);
  });

  it("escapes Slack control characters in names", () => {
    const json = JSON.stringify(slackAlertMessage(otherEvents()[0] as never));
    expect(json).toContain("Platform &lt;prod&gt; &amp; data");
  });

  it.each([0, 9, 10, 11, 500])("lists %i root causes within limits, cutting the rest to +N more", (n) => {
    const p = slackAlertMessage(opened({ rootCauses: causes(n) }));
    expect(slackLimitViolations(p)).toEqual([]);
    const json = JSON.stringify(p);
    if (n > 10) expect(json).toContain(`+${n - 10} more`);
    else expect(json).not.toContain("more");
  });

  it("keeps very long names within the section, field and header limits", () => {
    const long = "x".repeat(512); // the schema's longest name
    const e = opened({ where: { provider: "aws", accountId: long, service: long, region: long }, rootCauses: Array(10).fill({ dimension: long, value: long, contribution: "1" }) });
    const p = slackAlertMessage(e);
    expect(slackLimitViolations(p)).toEqual([]);
    expect(slackPayloadErrors(p)).toEqual([]);
    expect(JSON.stringify(p)).toMatch(/\+\d+ more/);
  });

  it.each(otherEvents().map((e) => [e.type, e] as const))("renders a valid message for %s", (_t, e) => {
    expect(slackPayloadErrors(slackAlertMessage(e))).toEqual([]);
  });

  it("renders a short resolution message", () => {
    const p = slackResolutionMessage(resolved());
    expect(slackPayloadErrors(p)).toEqual([]);
    expect(p.text).toContain("Resolved: cost anomaly on aws / 123456789012 / AmazonEC2 / us-east-1");
  });
});

describe("Slack digest", () => {
  const at = new Date("2026-11-21T07:00:00Z");
  const from = new Date("2026-11-20T07:00:00Z");

  it.each([1, 45, 400, 1000])("fits %i alerts into at most 50 blocks, with +N more for the rest", (n) => {
    const entries = Array.from({ length: n }, (_, i) => ({ event: opened({ anomalyId: `an-${i}`, impact: `${i + 1}` }), deferred: i % 3 === 0 }));
    const p = slackDigestMessage(buildDigest("acme", "daily", from, at, entries));
    expect(slackPayloadErrors(p)).toEqual([]);
    expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    const lines = p.blocks.flatMap((b) => (b.type === "section" && b.text ? b.text.text.split("\n") : [])).filter((l) => l.includes("Cost anomaly"));
    const more = JSON.stringify(p).match(/\+(\d+) more/);
    expect(lines.length + Number(more?.[1] ?? 0)).toBe(n);
    // Highest impact first.
    expect(lines[0]).toContain(`$${n.toLocaleString("en-US")}.00`);
  });

  it("groups one alert's trigger and resolve into one line marked resolved", () => {
    const d = buildDigest("acme", "weekly", from, at, [{ event: opened(), deferred: false }, { event: resolved({ occurredAt: "2026-11-20T09:00:00Z" }), deferred: false }]);
    expect(d.items).toHaveLength(1);
    expect(d.items[0]).toMatchObject({ resolved: true, type: "anomaly.opened" });
    expect(JSON.stringify(slackDigestMessage(d))).toContain("Weekly cost alert digest: 1 alert");
  });
});

describe("joinWithinLimit", () => {
  it("never exceeds the limit and counts what it left out", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${"y".repeat(50)}`);
    const text = joinWithinLimit(lines, 500);
    expect(text.length).toBeLessThanOrEqual(500);
    const kept = text.split("\n").filter((l) => l.startsWith("line")).length;
    expect(text).toContain(`+${100 - kept} more`);
  });
});
