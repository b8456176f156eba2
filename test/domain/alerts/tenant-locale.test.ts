import { describe, expect, it } from "vitest";
import { createPagerDutyChannel } from "#adapters/pagerduty/pagerduty-channel.js";
import { slackDigestMessage } from "#adapters/slack/slack-digest-message.js";
import { createSlackWebhookChannel } from "#adapters/slack/slack-webhook-channel.js";
import { buildDigest } from "#domain/alerts/digest.js";
import { createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { LocaleSchema, tenantLocaleOf } from "#domain/alerts/tenant-locale.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { alertReceivers } from "../../support/receivers/alert-receivers.js";
import { captureLog, fixedClock, opened, recordingChannel } from "./fixtures.js";

/** What Intl (ICU) writes for de-DE euros: "." groups, "," decimals, a no-break space before "€". */
const NBSP = "\u00a0";

describe("LocaleSchema and tenantLocaleOf", () => {
  it.each([
    ["de-DE", "de-DE"],
    ["de-de", "de-DE"],
    ["fr", "fr"],
    ["zh-Hant-TW", "zh-Hant-TW"],
  ])("accepts %s as %s", (tag, canonical) => {
    expect(LocaleSchema.parse(tag)).toBe(canonical);
  });

  it.each(["de_DE", "xx-YY", "", "x", "en-US-".repeat(7), "i-klingon"])("refuses %j", (tag) => {
    expect(LocaleSchema.safeParse(tag).success).toBe(false);
  });

  it("reads a tenant without a locale, or with a broken one, as en-US", () => {
    expect(tenantLocaleOf({ name: "T" })).toBe("en-US");
    expect(tenantLocaleOf({ locale: "not a locale" })).toBe("en-US");
    expect(tenantLocaleOf({ locale: 42 })).toBe("en-US");
    expect(tenantLocaleOf(null)).toBe("en-US");
    expect(tenantLocaleOf({ locale: "de-DE" })).toBe("de-DE");
  });
});

describe("alerts in the tenant's locale, on the Slack and PagerDuty wire formats", () => {
  const receivers = alertReceivers();

  async function dispatchFor(tenantDoc: Record<string, unknown>) {
    const store = new MemoryDocumentStore();
    await store.set("tenants/acme", tenantDoc);
    await store.set("tenants/acme/alert_channels/slack", { kind: "slack", secretRef: "alerts/acme/slack" });
    await store.set("tenants/acme/alert_channels/pd", { kind: "pagerduty", secretRef: "alerts/acme/pd" });
    const dispatcher = createAlertDispatcher({
      store,
      secrets: new MemorySecretStore({ "alerts/acme/slack": `${receivers.slack.baseUrl}/services/T0/B0/x`, "alerts/acme/pd": "canarypdkey7f3a90000000000000000" }),
      clock: fixedClock("2026-11-20T06:00:00Z"),
      log: captureLog(),
      channels: {
        slack: createSlackWebhookChannel({ retries: 1, initialDelayMs: 1, maxDelayMs: 2 }),
        pagerduty: createPagerDutyChannel({ url: receivers.pd.url, retries: 1, initialDelayMs: 1, maxDelayMs: 2 }),
      },
    });
    const event = opened({
      currency: "EUR",
      expected: "410.00",
      actual: "1644.56",
      impact: "1234.56",
      rootCauses: [{ dimension: "usage_type", value: "BoxUsage:p4d.24xlarge", contribution: "1234.56" }],
      forecast: { projected: "52000", budget: "45000", periodEnd: "2026-11-30" },
    });
    const report = await dispatcher.dispatch([event]);
    return { report };
  }

  it("writes a de-DE tenant's euro amounts as 1.234,56 € in Slack and PagerDuty", async () => {
    // Act
    await dispatchFor({ name: "Acme", locale: "de-DE" });

    // Assess: the exact Intl output, in the Block Kit payload Slack received.
    const amount = `1.234,56${NBSP}€`;
    expect(new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }).format(1234.56)).toBe(amount);
    const payload = receivers.slack.messages[0]!.payload as { text?: string; blocks?: unknown[] };
    expect(payload.text).toContain(`Cost anomaly +${amount} on `);
    const blocks = JSON.stringify(payload.blocks);
    expect(blocks).toContain(`*Impact*\\n${amount}`);
    expect(blocks).toContain(`*Expected*\\n410,00${NBSP}€`);
    expect(blocks).toContain(`*Actual*\\n1.644,56${NBSP}€`);
    expect(blocks).toContain(`52.000,00${NBSP}€ vs 45.000,00${NBSP}€`);
    expect(blocks).toContain(`: +${amount}`); // the root cause's contribution
    expect(receivers.slack.rejected).toEqual([]);

    // PagerDuty Events API v2: the summary and the root causes in custom_details.
    const ev = receivers.pd.events[0] as unknown as { payload: { summary: string; custom_details: { root_causes: string[]; impact_value: string } } };
    expect(ev.payload.summary).toBe(`[P2] Cost anomaly +${amount} on aws / 123456789012 / AmazonEC2 / us-east-1 (2026-11-19)`);
    expect(ev.payload.custom_details.root_causes).toEqual([`usage_type=BoxUsage:p4d.24xlarge: +${amount}`]);
    // Machine fields stay plain decimals.
    expect(ev.payload.custom_details.impact_value).toBe("1234.56");
    expect(receivers.pd.rejected).toEqual([]);
  });

  it("writes en-US for a tenant without a locale", async () => {
    await dispatchFor({ name: "Acme" });
    expect((receivers.slack.messages[0]!.payload as { text?: string }).text).toContain("Cost anomaly +€1,234.56 on ");
    expect((receivers.pd.events[0] as { payload: { summary: string } }).payload.summary).toContain("Cost anomaly +€1,234.56 on ");
  });
});

describe("digest in the tenant's locale", () => {
  it("the dispatcher's digest carries the tenant's locale, and so do the queued alerts in it", async () => {
    // Prepare: a de-DE tenant whose Slack channel takes a daily digest.
    const store = new MemoryDocumentStore();
    await store.set("tenants/acme", { name: "Acme", locale: "de-DE" });
    await store.set("tenants/acme/alert_channels/slack", { kind: "slack", secretRef: "alerts/acme/slack", digest: { daily: true } });
    const slack = recordingChannel("slack");
    const clock = fixedClock("2026-11-20T06:00:00Z");
    const dispatcher = createAlertDispatcher({ store, secrets: new MemorySecretStore({ "alerts/acme/slack": "https://hooks.slack.com/services/T/B/x" }), clock, log: captureLog(), channels: { slack } });

    // Act
    await dispatcher.dispatch([opened({ currency: "EUR", impact: "1234.56", expected: "410", actual: "1644.56" })]);
    clock.set("2026-11-20T07:00:00Z");
    await dispatcher.sendDigest("acme", "daily");

    // Assess
    const [alert, digest] = slack.sent.map((x) => x.message);
    expect(alert?.kind === "alert" && alert.event.locale).toBe("de-DE");
    expect(digest?.kind === "digest" && digest.digest.locale).toBe("de-DE");
    if (digest?.kind !== "digest") throw new Error("expected a digest");
    expect(JSON.stringify(slackDigestMessage(digest.digest))).toContain(`1 alert, 1.234,56${NBSP}€ impact`);
  });

  it("totals and lines in de-DE", () => {
    const e = opened({ currency: "EUR", impact: "1234.56", expected: "410", actual: "1644.56", locale: "de-DE" });
    const d = buildDigest("acme", "daily", new Date("2026-11-20T00:00:00Z"), new Date("2026-11-21T00:00:00Z"), [{ event: e, deferred: false }], "de-DE");
    const msg = JSON.stringify(slackDigestMessage(d));
    expect(msg).toContain(`1 alert, 1.234,56${NBSP}€ impact`);
    expect(msg).toContain(`: 1.234,56${NBSP}€`);
  });
});
