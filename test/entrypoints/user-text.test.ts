import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleAlertLine } from "#adapters/local/console-channel.js";
import { pagerDutyBody } from "#adapters/pagerduty/pagerduty-event.js";
import { slackAlertMessage } from "#adapters/slack/slack-alert-message.js";
import { budgetThresholdCrossed } from "#domain/alerts/alert-event.js";
import { paths } from "#kernel/document-paths.js";
import { expectInertSlackPayload, HOSTILE, UNSAFE_IN_A_LINE } from "../support/hostile-text.js";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, type FakeUser, fakeVerifier } from "./support/fake-id-tokens.js";
import { seedTenantDocs } from "./support/seed.js";

/**
 * One policy for user free text (docs/security.md, "Stored text"): every callable stores it
 * exactly as typed, returns it as typed, and the renderers escape it where it is shown. Hostile
 * text (HTML, Slack control sequences, `<!channel>`, line breaks, a terminal escape, a bidi
 * override) goes in through each callable that stores free text.
 */
const T = "tenant-text";
const U = (over: Partial<FakeUser> = {}): FakeUser => ({ uid: "writer", tenantId: T, trustLevel: 3, mfa: true, zones: ["nonprod", "prod"], ...over });

describe("user free text through the callables", () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier });
    await seedTenantDocs(app.documents, T);
  });
  afterAll(async () => app.close());

  it("every callable stores and returns the text exactly as typed", async () => {
    // Prepare
    const manager = bearer(U());
    const operator = bearer(U({ uid: "operator", trustLevel: 2, mfa: false }));
    // Act
    const budget = await app.call(
      "upsertBudget",
      { id: "hostile", name: HOSTILE, amount: "100", period: "monthly", scope: { service_name: [HOSTILE], tags: { team: HOSTILE } } },
      manager,
    );
    const view = await app.call("saveWorkspace", { id: "hostile", name: HOSTILE, visibility: "private", view: { note: HOSTILE, filters: [HOSTILE] } }, manager);
    const account = await app.call(
      "connectCloudAccount",
      { accountId: "hostile", provider: "gcp", displayName: HOSTILE, billingAccountId: "0000-1111", subAccountId: "proj", environment: "prod", scope: { label: HOSTILE }, credentials: { client_email: "sa@p.iam.gserviceaccount.com" } },
      manager,
    );
    const channel = await app.call("upsertAlertChannel", { id: "hostile", kind: "console", name: HOSTILE }, manager);
    const anomaly = await app.call("updateAnomaly", { id: `anom-${T}`, note: HOSTILE }, operator);
    const listed = (await app.call("listBudgets", {}, manager)).body.result as { items: { id: string; name: string }[] };
    // Assess
    expect([budget, view, account, channel, anomaly].map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await app.documents.get(paths.budget(T, "hostile"))).toMatchObject({ name: HOSTILE, scope: { service_name: [HOSTILE], tags: { team: HOSTILE } } });
    expect(await app.documents.get(paths.workspace(T, "hostile"))).toMatchObject({ name: HOSTILE, view: { note: HOSTILE, filters: [HOSTILE] } });
    expect(await app.documents.get(paths.cloudAccount(T, "hostile"))).toMatchObject({ displayName: HOSTILE, scope: { label: HOSTILE } });
    expect(await app.documents.get(paths.alertChannel(T, "hostile"))).toMatchObject({ name: HOSTILE });
    expect(await app.documents.get(paths.anomaly(T, `anom-${T}`))).toMatchObject({ note: HOSTILE });
    expect(listed.items.find((b) => b.id === "hostile")?.name).toBe(HOSTILE);
  });

  it("a budget name stored through the callable renders inert in Slack, PagerDuty and the console", async () => {
    // Prepare
    const saved = await app.call("upsertBudget", { id: "rendered", name: HOSTILE, amount: "100", period: "monthly" }, bearer(U()));
    const stored = (await app.documents.get(paths.budget(T, "rendered"))) as { name: string };
    const event = budgetThresholdCrossed({
      tenantId: T,
      severity: "high",
      impact: "90",
      dashboardUrl: `https://costs.example.com/t/${T}/budgets/rendered`,
      occurredAt: "2026-03-01T12:00:00Z",
      budgetId: "rendered",
      budgetName: stored.name,
      periodKey: "2026-03",
      thresholdPct: 90,
      basis: "actual",
      spent: "90",
      budget: "100",
    });
    // Act
    const slack = slackAlertMessage(event);
    const pagerDuty = pagerDutyBody(event, "trigger", "r".repeat(32));
    const line = consoleAlertLine({ kind: "alert", event, transition: "trigger" });
    // Assess
    expect(saved.status).toBe(200);
    expectInertSlackPayload(slack, "https://costs.example.com/");
    expect(pagerDuty.event_action === "trigger" && pagerDuty.payload.summary).not.toMatch(UNSAFE_IN_A_LINE);
    expect(line).not.toMatch(UNSAFE_IN_A_LINE);
  });
});
