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
  expected: "100.00",
  actual: "400.00",
  impact: "300.00",
  currency: "USD",
  score: 9.5,
  severity: "high",
  rootCauses: [{ dimension: "region", value: "US", contribution: "300.00" }],
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
    expected: r.expected,
    actual: r.actual,
    impact: r.impact,
    currency: r.currency,
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
        data: expect.objectContaining({ seriesKey: KEY, view: "billed", start: "2026-11-18", impact: "300.00", detectedAt: ctx.asOf, status: "open", feedback: null }),
      },
    ]);
    expect(u.events.map((e) => [e.type, e.severity, e.impact, e.occurredAt])).toEqual([["anomaly.opened", "high", "300", ctx.now.toISOString()]]);
    expect(u.anomalies).toEqual([{ id, seriesKey: KEY, start: "2026-11-18", end: "2026-11-18", direction: "increase", impact: "300.00", currency: "USD", view: "billed", severity: "high", status: "open" }]);
  });

  it("leaves an unchanged run alone, and updates a grown one without touching the user's fields", () => {
    const same = anomalyUpdates(ctx, [run()], [stored(run())]);
    const grown = run({ end: "2026-11-19", impact: "650.00" });
    const prev = stored(run(), { status: "acknowledged", feedback: "planned" });
    const updated = anomalyUpdates(ctx, [grown], [prev]);
    expect(same.writes).toEqual([]);
    expect(same.events).toEqual([]);
    expect(updated.writes[0]?.data).toMatchObject({ end: "2026-11-19", impact: "650.00", status: "acknowledged", feedback: "planned" });
    expect(updated.events.map((e) => e.type)).toEqual(["anomaly.updated"]);
    expect(updated.anomalies[0]).toMatchObject({ end: "2026-11-19", impact: "650.00", status: "acknowledged" });
  });

  it("resolves an anomaly no longer flagged once it ended RESOLVE_AFTER_DAYS before asOf, not sooner", () => {
    const old = stored(run({ start: "2026-11-10", end: "2026-11-12", impact: "-80.00", direction: "decrease" }));
    const recent = stored(run({ start: "2026-11-18", end: "2026-11-18" }));
    const done = stored(run({ start: "2026-11-01", end: "2026-11-01" }), { status: "resolved" });
    const u = anomalyUpdates(ctx, [], [old, recent, done]);
    expect(u.writes).toEqual([{ path: old.path, data: { status: "resolved", resolvedAt: ctx.asOf, resolution: "ended" }, merge: true }]);
    expect(u.events.map((e) => [e.type, e.impact])).toEqual([["anomaly.resolved", "80"]]);
    const statuses = Object.fromEntries(u.anomalies.map((a) => [a.id, a.status]));
    expect(statuses).toEqual({ [old.id]: "resolved", [recent.id]: "open", [done.id]: "resolved" });
  });

  it("resolves at once, as restated, an anomaly on re-scored days that no run reproduces any more", () => {
    // Late rows landed on 11-18: the day re-scored as normal, so the run that flagged it is gone.
    const rescored = { ...ctx, rescoredFrom: "2026-11-13", provisionalFrom: "2026-11-17" };
    const undone = stored(run({ start: "2026-11-18", end: "2026-11-18" }));
    const ack = stored(run({ start: "2026-11-14", end: "2026-11-15", seriesKey: "aws|1|EC2" }), { status: "acknowledged" });
    const older = stored(run({ start: "2026-11-05", end: "2026-11-06" }));
    const u = anomalyUpdates(rescored, [], [undone, ack, older]);
    const byPath = Object.fromEntries(u.writes.map((w) => [w.path, w.data]));
    expect(byPath[undone.path]).toEqual({ status: "resolved", resolvedAt: ctx.asOf, resolution: "restated" });
    expect(byPath[ack.path]).toEqual({ status: "resolved", resolvedAt: ctx.asOf, resolution: "restated" });
    expect(byPath[older.path]).toEqual({ status: "resolved", resolvedAt: ctx.asOf, resolution: "ended" });
    expect(u.events.map((e) => e.type)).toEqual(["anomaly.resolved", "anomaly.resolved", "anomaly.resolved"]);
    // The same anomaly still reproduced is left open.
    expect(anomalyUpdates(rescored, [run()], [stored(run(), { completeness: "provisional" })]).writes).toEqual([]);
  });

  it("labels an anomaly provisional while its last day fills in, and relabels it settled without a new alert", () => {
    const r = run({ start: "2026-11-16", end: "2026-11-16" });
    const opened = anomalyUpdates({ ...ctx, provisionalFrom: "2026-11-16" }, [r], []);
    expect(opened.writes[0]?.data).toMatchObject({ completeness: "provisional" });
    const settled = anomalyUpdates({ ...ctx, provisionalFrom: "2026-11-17" }, [r], [stored(r, { completeness: "provisional" })]);
    expect(settled.writes).toEqual([{ path: stored(r).path, data: { completeness: "settled" }, merge: true }]);
    expect(settled.events).toEqual([]);
  });

  it("lists the collection after the writes ordered by id", () => {
    const runs = ["gcp|p1|A", "gcp|p1|B", "gcp|p1|C", "aws|1|D"].map((seriesKey) => run({ seriesKey }));
    const u = anomalyUpdates(ctx, runs, [stored(run({ seriesKey: "gcp|p1|E", start: "2026-11-19", end: "2026-11-19" }))]);
    const ids = u.anomalies.map((a) => a.id);
    expect(ids).toHaveLength(5);
    expect(ids).toEqual([...ids].sort());
  });
});
