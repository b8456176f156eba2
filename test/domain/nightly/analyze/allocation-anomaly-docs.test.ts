import { describe, expect, it } from "vitest";
import { anomalyTransition } from "#domain/alerts/anomaly-transition.js";
import { headline } from "#domain/alerts/describe.js";
import { ruleMatches } from "#domain/alerts/routing.js";
import { allocationSeriesKeyOf } from "#domain/analysis/anomaly/allocation-series.js";
import type { AnomalyRun } from "#domain/analysis/anomaly/index.js";
import { anomalyIdOf, anomalyUpdates } from "#domain/nightly/analyze/anomaly-updates.js";

/**
 * An anomaly of the Kubernetes allocation view as documents, alerts and routing see it: it names
 * its view, reads "kubernetes / <cluster> / namespace <name>" wherever it is shown, and a routing
 * rule on provider `kubernetes` picks it. A billed anomaly of the same day keeps its own id.
 */
const T = "t1";
const ctx = { tenantId: T, asOf: "2026-11-19", dashboardUrl: "https://costs.example.com", now: new Date("2026-11-20T04:00:00Z") };
const KEY = allocationSeriesKeyOf({ cluster: "prod-eks", namespace: "web" });

const run = (seriesKey: string): AnomalyRun => ({
  seriesKey,
  start: "2026-11-19",
  end: "2026-11-19",
  direction: "increase",
  expected: "120.00",
  actual: "480.00",
  impact: "360.00",
  currency: "USD",
  score: 12.1,
  severity: "high",
  rootCauses: [
    { dimension: "controller", value: "deployment/api", contribution: "360.00" },
    { dimension: "resource_type", value: "Kubernetes workload", contribution: "324.00" },
    { dimension: "resource_type", value: "Kubernetes idle", contribution: "36.00" },
  ],
});

describe("allocation anomaly documents and alerts", () => {
  it("stores the view and the Kubernetes labels, and the alert reads them", () => {
    const u = anomalyUpdates(ctx, [run(KEY), run("aws|123456789012|Amazon EC2")], []);
    const alloc = u.writes.find((w) => w.data.seriesKey === KEY);
    expect(alloc?.data).toMatchObject({ view: "kubernetes-allocation", where: { provider: "kubernetes", accountId: "prod-eks", service: "namespace web" } });
    expect(u.writes.find((w) => w.data.seriesKey !== KEY)?.data).toMatchObject({ view: "billed", where: { provider: "aws", accountId: "123456789012", service: "Amazon EC2" } });
    // Same day, two views: two documents, two ids.
    expect(anomalyIdOf(T, KEY, "2026-11-19")).not.toBe(anomalyIdOf(T, "aws|123456789012|Amazon EC2", "2026-11-19"));
    expect(u.anomalies.map((a) => a.view).sort()).toEqual(["billed", "kubernetes-allocation"]);

    const opened = u.events.find((e) => e.type === "anomaly.opened" && e.where.provider === "kubernetes");
    if (opened?.type !== "anomaly.opened") throw new Error("no anomaly.opened event for the allocation anomaly");
    expect(opened && headline(opened)).toBe("Cost anomaly +$360.00 on kubernetes / prod-eks / namespace web (2026-11-19)");
    expect(opened?.rootCauses.map((c) => [c.dimension, c.value])).toEqual([
      ["controller", "deployment/api"],
      ["resource_type", "Kubernetes workload"],
      ["resource_type", "Kubernetes idle"],
    ]);
    expect(opened && ruleMatches({ providers: ["kubernetes"] }, opened)).toBe(true);
    expect(opened && ruleMatches({ providers: ["aws"] }, opened)).toBe(false);

    // Acknowledging it later builds the event from the stored document: the same labels.
    const ack = anomalyTransition("acknowledged", { tenantId: T, anomalyId: "a1", doc: { ...alloc?.data }, by: "u1", dashboardUrl: ctx.dashboardUrl, now: ctx.now });
    expect(ack?.where).toEqual({ provider: "kubernetes", accountId: "prod-eks", service: "namespace web" });
  });
});
