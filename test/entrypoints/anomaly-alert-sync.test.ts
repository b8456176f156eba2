import { afterEach, describe, expect, it } from "vitest";
import { anomalyAlertId } from "#domain/alerts/alert-event.js";
import type { AlertsMessage } from "#domain/nightly/messages.js";
import type { BusMessage } from "#kernel/ports.js";
import { getDeps } from "../../functions/src/deps.js";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, fakeVerifier } from "./support/fake-id-tokens.js";

/**
 * Acknowledging or resolving an anomaly is an alert event too (flag `alert_acknowledge_sync`): it is
 * published on the alerts topic with the anomaly's alert id, so dispatchAlerts sends PagerDuty an
 * acknowledge or a resolve for the incident the trigger opened. With the flag off, nothing is sent.
 */
const T = "t-sync";
const operator = bearer({ uid: "op-1", tenantId: T, trustLevel: 2, zones: ["nonprod", "prod"] });

async function start(env: Record<string, string> = {}): Promise<{ app: App; published: BusMessage<AlertsMessage>[] }> {
  const app = await startApp({ verifyIdToken: fakeVerifier }, env);
  await app.documents.set(`tenants/${T}`, { name: T });
  await app.documents.set(`tenants/${T}/anomalies/an-1`, {
    seriesKey: "aws|444455556666|Amazon Elastic Compute Cloud",
    where: { provider: "aws", accountId: "444455556666", service: "Amazon Elastic Compute Cloud" },
    start: "2026-11-13",
    end: "2026-11-17",
    direction: "increase",
    expected: "3000.00",
    actual: "5984.08",
    impact: "2984.08",
    score: 9,
    severity: "high",
    rootCauses: [{ dimension: "region", value: "us-east-1", contribution: "2984.08" }],
    status: "open",
    feedback: null,
  });
  const published: BusMessage<AlertsMessage>[] = [];
  (await getDeps()).bus.subscribe<AlertsMessage>("alerts", async (m) => {
    published.push(m);
  });
  return { app, published };
}

describe("updateAnomaly and the alert channels", () => {
  let app: App | undefined;
  afterEach(async () => app?.close());

  it("publishes an acknowledged event, then a resolved one, with the anomaly's alert id", async () => {
    const s = await start();
    app = s.app;
    const ack = await app.call("updateAnomaly", { id: "an-1", acknowledge: true }, operator);
    const resolve = await app.call("updateAnomaly", { id: "an-1", resolve: true }, operator);
    await (await getDeps()).bus.drain();

    expect([ack.status, resolve.status]).toEqual([200, 200]);
    expect(s.published.map((m) => m.data.events.map((e) => [e.type, e.id]))).toEqual([
      [["anomaly.acknowledged", anomalyAlertId(T, "an-1")]],
      [["anomaly.resolved", anomalyAlertId(T, "an-1")]],
    ]);
    expect(s.published[0]?.data).toMatchObject({ tenantId: T, events: [{ acknowledgedBy: "op-1", impact: "2984.08" }] });
  });

  it("publishes nothing for a change that is not a transition (feedback only, or a second acknowledge)", async () => {
    const s = await start();
    app = s.app;
    await app.call("updateAnomaly", { id: "an-1", acknowledge: true }, operator);
    await app.call("updateAnomaly", { id: "an-1", acknowledge: true }, operator);
    await app.call("updateAnomaly", { id: "an-1", feedback: "expected" }, operator);
    await (await getDeps()).bus.drain();

    expect(s.published).toHaveLength(1);
  });

  it("keeps the channels out of it when the feature flag is off", async () => {
    const s = await start({ COSTMON_FEATURE_FLAGS_ALERT_ACKNOWLEDGE_SYNC_ENABLED: "false" });
    app = s.app;
    const r = await app.call("updateAnomaly", { id: "an-1", acknowledge: true }, operator);
    await (await getDeps()).bus.drain();

    expect(r.body.result).toMatchObject({ status: "acknowledged" });
    expect(s.published).toEqual([]);
  });
});
