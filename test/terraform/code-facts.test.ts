import { beforeAll, describe, expect, it } from "vitest";
import { type CodeFacts, codeFacts, needsOf } from "../../scripts/terraform/code-facts.js";
import { ENTRY_POINTS } from "../../functions/src/entry-points.js";

/** What the drift checks compare Terraform with, derived from the code (no list kept by hand). */
let facts: CodeFacts;
beforeAll(async () => {
  facts = await codeFacts();
}, 180_000);

const of = (name: string) => {
  const f = facts.functions.find((x) => x.name === name);
  if (!f) throw new Error(`no facts for ${name}`);
  return f;
};

describe("code facts", () => {
  it("cover exactly the functions of entry-points.ts, with no analysis problem", () => {
    expect(facts.functions.map((f) => f.name).sort()).toEqual(Object.keys(ENTRY_POINTS).sort());
    expect(facts.problems).toEqual([]);
  });

  it.each([
    ["getCostSummary", "callable", undefined],
    ["health", "http", undefined],
    ["collectAccount", "pubsub", "collect-account"],
    ["collectAccountFailed", "pubsub", "collect-account.dead-letter"],
    ["sendDigests", "scheduler", undefined],
    ["syncRecommendations", "scheduler", undefined],
  ])("%s is triggered by %s %s", (name, trigger, topic) => {
    expect(of(name).trigger).toBe(trigger);
    expect(of(name).topic).toBe(topic);
  });

  it("follow publishes through the domain, and the dead-letter forwarding of define.ts", () => {
    expect(of("fanOutCollection").publishes).toEqual(["collect-account", "costs-collected", "nightly-collect.dead-letter"]);
    expect(of("collectAccount").publishes).toEqual(["collect-account.dead-letter", "costs-collected"]);
    expect(of("updateAnomaly").publishes).toEqual(["alerts"]);
    expect(of("collectAccountFailed").publishes).not.toContain("collect-account.dead-letter.dead-letter");
    expect(facts.topics).toEqual(expect.arrayContaining(["nightly-collect", "nightly-collect.dead-letter", "alerts.dead-letter"]));
  });

  it("derive each function's secrets, BigQuery access and environment", () => {
    expect(needsOf(of("collectAccount"))).toMatchObject({ bigquery: "write", secrets: { read: ["cloud-creds"], write: [], delete: [] } });
    expect(needsOf(of("connectCloudAccount")).secrets).toEqual({ read: [], write: ["cloud-creds"], delete: [] });
    expect(needsOf(of("disconnectCloudAccount")).secrets).toEqual({ read: [], write: [], delete: ["cloud-creds"] });
    expect(needsOf(of("upsertAlertChannel")).secrets.write).toEqual(["alert-secrets"]);
    expect(needsOf(of("dispatchAlerts")).secrets.read).toEqual(["alert-secrets"]);
    expect(needsOf(of("dispatchAlerts")).configSecrets).toEqual(["alerts.slack_webhook_url", "alerts.pagerduty_routing_key"]);
    expect(needsOf(of("health")).secrets.read).toEqual(["health-probe"]);
    expect(needsOf(of("getSession"))).toMatchObject({ bigquery: "none", llmLedger: false, firebaseAuth: true, secrets: { read: [], write: [], delete: [] } });
    // The LLM ledger: directly (reads) or through the usage service (record, check).
    for (const name of ["getLlmUsage", "recordLlmUsage", "checkLlmBudget", "ingestLlmUsage", "analyzeTenant"]) expect(needsOf(of(name)).llmLedger, name).toBe(true);
    expect(needsOf(of("analyzeTenant")).env).toEqual(expect.arrayContaining(["COSTMON_AUTH_OIDC_AUDIENCE", "COSTMON_BIGQUERY_COST_DATASET", "COSTMON_PUBSUB_TOPIC_PREFIX", "COSTMON_ALERTS_DASHBOARD_URL"]));
  });

  it("read Pub/Sub's max delivery attempts from config/base.yaml", () => {
    expect(facts.deadLetterMaxAttempts).toBe(5);
  });
});
