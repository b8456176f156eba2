import { describe, expect, it } from "vitest";
import { attributeRootCause, type ChildSeries, UNATTRIBUTED } from "#domain/analysis/anomaly/index.js";
import { expectedCostOn } from "#domain/analysis/anomaly/root-cause.js";
import type { CostPoint } from "#domain/analysis/anomaly/types.js";
import { makeSeries, scale } from "./synthetic-series.js";

const sumOf = (children: ChildSeries[]): CostPoint[] =>
  (children[0]?.points ?? []).map((p, i) => ({ date: p.date, cost: children.reduce((s, c) => s + (c.points[i]?.cost ?? 0), 0) }));

const cents = (x: number) => Math.round(x * 100);

describe("attributeRootCause", () => {
  // Prepare: three services; on day 200 one of them jumps ×5 and another ×1.5.
  const children: ChildSeries[] = [
    { dimension: "service", value: "compute", points: scale(makeSeries({ base: 300, seed: 11 }), 200, 200, 5) },
    { dimension: "service", value: "storage", points: scale(makeSeries({ base: 120, seed: 12 }), 200, 200, 1.5) },
    { dimension: "service", value: "network", points: makeSeries({ base: 40, seed: 13 }) },
  ];
  const parent = sumOf(children);
  const date = parent[200]?.date as string;

  it("returns each child's contribution, largest driver first", () => {
    // Act
    const causes = attributeRootCause(parent, children, date);

    // Assess
    expect(causes.map((c) => c.value)).toEqual(["compute", "storage", "network"]);
    expect(causes[0]?.contribution).toBeGreaterThan(1000);
    expect(causes[0]?.share).toBeGreaterThan(0.8);
    expect(Math.abs(causes[2]?.contribution ?? 0)).toBeLessThan(20);
  });

  it("has contributions that add up to the parent's deviation, to the cent", () => {
    // Act
    const causes = attributeRootCause(parent, children, date);
    const deviation = (parent[200]?.cost ?? 0) - expectedCostOn(parent, date);

    // Assess
    expect(causes.reduce((s, c) => s + cents(c.contribution), 0)).toBe(cents(deviation));
    expect(causes.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 6);
  });

  it("reports cost the children do not cover as unattributed", () => {
    // Prepare: the parent also carries $500 a day that no child explains.
    const withExtra = parent.map((p) => ({ ...p, cost: p.cost + 500 }));

    // Act
    const causes = attributeRootCause(withExtra, children, date);
    const deviation = (withExtra[200]?.cost ?? 0) - expectedCostOn(withExtra, date);

    // Assess
    expect(causes.find((c) => c.value === UNATTRIBUTED.value)?.actual).toBeCloseTo(500, 1);
    expect(causes.reduce((s, c) => s + cents(c.contribution), 0)).toBe(cents(deviation));
  });

  it("sorts the other way for a decrease", () => {
    // Prepare: storage falls to 10 % on the day.
    const falling: ChildSeries[] = children.map((c) => (c.value === "storage" ? { ...c, points: scale(makeSeries({ base: 120, seed: 12 }), 200, 200, 0.1) } : { ...c, points: makeSeries({ base: c.value === "compute" ? 300 : 40, seed: c.value === "compute" ? 11 : 13 }) }));

    // Act
    const causes = attributeRootCause(sumOf(falling), falling, date);

    // Assess
    expect(causes[0]?.value).toBe("storage");
    expect(causes[0]?.contribution).toBeLessThan(-80);
  });
});
