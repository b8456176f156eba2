import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_SUMMARY, pagerDutyBody } from "#adapters/pagerduty/pagerduty-event.js";
import type { Severity } from "#domain/alerts/alert-event.js";
import { SEVERITY_TABLE } from "#domain/alerts/severity.js";
import { causes, opened, otherEvents, resolved } from "../../domain/alerts/fixtures.js";
import { pagerDutyEnqueueErrors, pagerDutyEventErrors } from "../../support/receivers/pagerduty-schema.js";
import { sharedData } from "../../support/shared-data.js";

const KEY = "e93facc04764012d7bfb002500d5d1a6";
const example = (f: string) => JSON.parse(readFileSync(sharedData("pagerduty-events-v2", "examples", f), "utf8")) as Record<string, unknown>;

describe("PagerDuty Events v2 schema (from PagerDuty's OpenAPI)", () => {
  it("accepts PagerDuty's own trigger example", () => {
    expect(pagerDutyEnqueueErrors(example("enqueue.request.event.json"))).toEqual([]);
  });

  it.each([
    ["routing_key", (b: Record<string, unknown>) => delete b.routing_key, /routing_key/],
    ["event_action", (b: Record<string, unknown>) => delete b.event_action, /event_action/],
    ["payload.summary", (b: Record<string, { summary?: unknown }>) => delete b.payload?.summary, /summary/],
    ["payload.source", (b: Record<string, { source?: unknown }>) => delete b.payload?.source, /source/],
    ["payload.severity", (b: Record<string, { severity?: unknown }>) => delete b.payload?.severity, /severity/],
  ])("refuses the example without %s", (_f, mutate, message) => {
    const body = example("enqueue.request.event.json");
    mutate(body as never);
    expect(pagerDutyEventErrors(body).join("\n")).toMatch(message);
  });

  it("refuses a severity outside critical/error/warning/info", () => {
    const body = example("enqueue.request.event.json") as { payload: { severity: string } };
    body.payload.severity = "high";
    expect(pagerDutyEventErrors(body).join("\n")).toMatch(/allowed values/);
  });
});

describe("PagerDuty event bodies", () => {
  it("builds a trigger that passes the OpenAPI schema, keyed by the alert id, with figures and a dashboard link", () => {
    // Prepare
    const e = opened();
    // Act
    const body = pagerDutyBody(e, "trigger", KEY);
    // Assess
    expect(pagerDutyEnqueueErrors(body)).toEqual([]);
    expect(body).toMatchObject({
      routing_key: KEY,
      event_action: "trigger",
      dedup_key: e.id,
      payload: {
        severity: "error",
        source: "aws/123456789012",
        component: "AmazonEC2",
        group: "aws",
        class: "anomaly.opened",
        custom_details: { expected_value: "410", actual_value: "2250.25", impact_value: "1840.25", currency: "USD", projected_value: "52000", budget_value: "45000", priority: "P2" },
      },
      links: [{ href: e.dashboardUrl, text: "Open in the cost dashboard" }],
    });
    expect(body.event_action === "trigger" && body.payload.summary).toBe(
      "[P2] Cost anomaly +$1,840.25 on aws / 123456789012 / AmazonEC2 / us-east-1 (2026-11-19)",
    );
  });

  it.each([
    ["critical", "critical", "P1"],
    ["high", "error", "P2"],
    ["medium", "warning", "P3"],
    ["low", "info", "P4"],
  ] as const)("maps severity %s to PagerDuty %s (%s)", (sev: Severity, pd, priority) => {
    const body = pagerDutyBody(opened({ severity: sev }), "trigger", KEY);
    expect(body.event_action === "trigger" && body.payload.severity).toBe(pd);
    expect(SEVERITY_TABLE[sev].priority).toBe(priority);
  });

  it.each(["resolve", "acknowledge"] as const)("builds a %s with the same dedup_key and no payload", (t) => {
    const body = pagerDutyBody(resolved(), t, KEY);
    expect(body).toEqual({ routing_key: KEY, event_action: t, dedup_key: opened().id });
    expect(pagerDutyEnqueueErrors(body)).toEqual([]);
  });

  it("caps the summary at 1024 characters and the root causes in details", () => {
    const long = "s".repeat(512);
    const body = pagerDutyBody(opened({ where: { provider: long, accountId: long, service: long, region: long }, rootCauses: causes(50) }), "trigger", KEY);
    if (body.event_action !== "trigger") throw new Error("expected trigger");
    expect([...body.payload.summary].length).toBe(MAX_SUMMARY);
    expect(body.payload.custom_details.root_causes).toHaveLength(20);
    expect(body.payload.custom_details.root_causes_more).toBe(30);
    expect(pagerDutyEnqueueErrors(body)).toEqual([]);
  });

  it.each(otherEvents().map((e) => [e.type, e] as const))("builds a valid trigger for %s", (_t, e) => {
    const body = pagerDutyBody(e, "trigger", KEY);
    expect(pagerDutyEnqueueErrors(body)).toEqual([]);
  });
});
