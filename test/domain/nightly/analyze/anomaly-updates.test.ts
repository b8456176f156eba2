import { describe, expect, it } from "vitest";
import type { AnomalyRun } from "#domain/analysis/anomaly/index.js";
import type { StoredAnomaly } from "#domain/nightly/analyze/anomaly-docs.js";
import { anomalyIdOf, anomalyUpdates } from "#domain/nightly/analyze/anomaly-updates.js";
import type { Doc } from "#kernel/ports.js";

const T = "t1";
const ctx = { tenantId: T, asOf: "2026-11-19", dashboardUrl: "https://costs.example.com", now: new Date("2026-11-20T04:00:00Z") };
const KEY = "gcp|p1|BigQuery";

const run = (over: Partial<AnomalyRun> = {}): AnomalyRun => ({
  seriesKey: KEY,
  start: "2026-11-18",
  end: "2026-11-18",
  direction: "increase",
  expectedUsd: "100.00",
  actualUsd: "400.00",
  impactUsd: "300.00",
  score: 9.5,
  severity: "high",
  rootCauses: [{ dimension: "region", value: "US", contributionUsd: "300.00" }],
  ...over,
});

function stored(r: AnomalyRun, over: Partial<StoredAnomaly> = {}): Doc<StoredAnomaly> {
  const id = anomalyIdOf(T, r.seriesKey, r.start);
  const data: StoredAnomaly = {
    seriesKey: r.seriesKey,
    where: { provider: "gcp", accountId: "p1", service: "BigQuery" },
    start: r.start,
    end: r.end,
    direction: r.direction,
    expectedUsd: r.expectedUsd,
    actualUsd: r.actualUsd,
    impactUsd: r.impactUsd,
    score: r.score,
    severity: r.severity,
    rootCauses: r.rootCauses,
    status: "open",
    feedback: null,
    ...over,
  };
  return { id, path: `tenants/${T}/anomalies/${id}`, data };
}

describe("anomalyUpdates", () => {
  it("opens a new run: one merge write with status open, one anomaly.opened event", () => {
    const u = anomalyUpdates(ctx, [run()], []);
    const id = anomalyIdOf(T, KEY, "2026-11-18");
    expect(u.writes).toEqual([
      {
        path: `tenants/${T}/anomalies/${id}`,
        merge: true,
        data: expect.objectContaining({ seriesKey: KEY, start: "2026-11-18", impactUsd: "300.00", detectedAt: ctx.asOf, status: "open", feedback: null }),
      },
    ]);
    expect(u.events.map((e) => [e.type, e.severity, e.impactUsd, e.occurredAt])).toEqual([["anomaly.opened", "high", "300", ctx.now.toISOString()]]);
    expect(u.anomalies).toEqual([{ id, seriesKey: KEY, start: "2026-11-18", end: "2026-11-18", direction: "increase", impactUsd: "300.00", severity: "high", status: "open" }]);
  });

  it("leaves an unchanged run alone, and updates a grown one without touching the user's fields", () => {
    const same = anomalyUpdates(ctx, [run()], [stored(run())]);
    const grown = run({ end: "2026-11-19", impactUsd: "650.00" });
    const prev = stored(run(), { status: "acknowledged", feedback: "planned" });
    const updated = anomalyUpdates(ctx, [grown], [prev]);
    expect(same.writes).toEqual([]);
    expect(same.events).toEqual([]);
    expect(updated.writes[0]?.data).toMatchObject({ end: "2026-11-19", impactUsd: "650.00", status: "acknowledged", feedback: "planned" });
    expect(updated.events.map((e) => e.type)).toEqual(["anomaly.updated"]);
    expect(updated.anomalies[0]).toMatchObject({ end: "2026-11-19", impactUsd: "650.00", status: "acknowledged" });
  });

  it("resolves an anomaly no longer flagged once it ended RESOLVE_AFTER_DAYS before asOf, not sooner", () => {
    const old = stored(run({ start: "2026-11-10", end: "2026-11-12", impactUsd: "-80.00", direction: "decrease" }));
    const recent = stored(run({ start: "2026-11-18", end: "2026-11-18" }));
    const done = stored(run({ start: "2026-11-01", end: "2026-11-01" }), { status: "resolved" });
    const u = anomalyUpdates(ctx, [], [old, recent, done]);
    expect(u.writes).toEqual([{ path: old.path, data: { status: "resolved", resolvedAt: ctx.asOf }, merge: true }]);
    expect(u.events.map((e) => [e.type, e.impactUsd])).toEqual([["anomaly.resolved", "80"]]);
    const statuses = Object.fromEntries(u.anomalies.map((a) => [a.id, a.status]));
    expect(statuses).toEqual({ [old.id]: "resolved", [recent.id]: "open", [done.id]: "resolved" });
  });

  it("lists the collection after the writes ordered by id", () => {
    const runs = ["gcp|p1|A", "gcp|p1|B", "gcp|p1|C", "aws|1|D"].map((seriesKey) => run({ seriesKey }));
    const u = anomalyUpdates(ctx, runs, [stored(run({ seriesKey: "gcp|p1|E", start: "2026-11-19", end: "2026-11-19" }))]);
    const ids = u.anomalies.map((a) => a.id);
    expect(ids).toHaveLength(5);
    expect(ids).toEqual([...ids].sort());
  });
});
