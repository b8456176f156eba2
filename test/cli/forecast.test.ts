import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runForecast } from "#cli/commands/forecast.js";

function csv(rows: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "fc-cli-"));
  const input = join(dir, "in.csv");
  writeFileSync(input, ["series_id,date,cost", ...rows].join("\n"));
  return input;
}

describe("forecast CLI", () => {
  it("writes H forecasts after each series' own last date", async () => {
    // Prepare: two series ending on different days
    const rows: string[] = [];
    for (let i = 0; i < 60; i++) rows.push(`a,${new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10)},${(10 + (i % 7)).toFixed(2)}`);
    for (let i = 0; i < 40; i++) rows.push(`b,${new Date(Date.UTC(2025, 1, 1 + i)).toISOString().slice(0, 10)},0.5`);
    const input = csv(rows);
    const output = join(mkdtempSync(join(tmpdir(), "fc-out-")), "out.json");
    const progress: number[] = [];
    // Act
    const result = await runForecast({ input, horizon: 5, output, onProgress: (done) => progress.push(done) });
    // Assess
    expect(result).toEqual({ series: 2, points: 10 });
    expect(progress).toEqual([1, 2]);
    const out = JSON.parse(readFileSync(output, "utf8")) as { forecasts: Record<string, unknown>[] };
    const a = out.forecasts.filter((f) => f.series_id === "a");
    const b = out.forecasts.filter((f) => f.series_id === "b");
    expect(a.map((f) => f.date)).toEqual(["2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06"]);
    expect(b[0]?.date).toBe("2025-03-13");
    expect(Object.keys(a[0] ?? {}).sort()).toEqual(["date", "lower80", "lower95", "mean", "series_id", "upper80", "upper95"]);
    expect(b[0]?.mean).toBeCloseTo(0.5, 6);
  });

  it.each([
    ["a non-numeric cost", "a,2025-01-01,abc", /line 2: cost/],
    ["a bad date", "a,01/01/2025,1", /line 2: date/],
    ["a day that does not exist", "a,2025-02-30,1", /line 2: date: date is not a calendar day/],
    ["a month that does not exist", "a,2025-13-01,1", /line 2: date: date is not a calendar day/],
  ])("rejects %s with the line number", async (_, row, message) => {
    const input = csv([row]);
    await expect(runForecast({ input, horizon: 3, output: join(tmpdir(), "never.json") })).rejects.toThrow(message);
  });

  it("rejects a horizon that is not a positive integer", async () => {
    const input = csv(["a,2025-01-01,1"]);
    await expect(runForecast({ input, horizon: 1.5, output: join(tmpdir(), "never.json") })).rejects.toThrow();
  });
});
