import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { groupIntoWindows } from "#cli/commands/detect-windows.js";
import { runDetect } from "#cli/commands/detect.js";
import type { AnomalyFlag } from "#domain/analysis/anomaly/index.js";
import { makeSeries, scale } from "../domain/analysis/anomaly/synthetic-series.js";

const flag = (series_id: string, date: string, direction: "increase" | "decrease", impact: number): AnomalyFlag => ({
  series_id,
  date,
  direction,
  expected: 100,
  actual: 100 + impact,
  impact,
  score: direction === "increase" ? 5 : -5,
  severity: Math.abs(impact) > 100 ? "high" : "low",
});

describe("detect --windows", () => {
  it("groups consecutive days of one series and direction, and splits on a gap, a turn or another series", () => {
    const flags = [
      flag("a", "2026-11-15", "increase", 50.1),
      flag("a", "2026-11-13", "increase", 200.1),
      flag("a", "2026-11-14", "increase", 0.2),
      flag("a", "2026-11-16", "decrease", -30),
      flag("a", "2026-11-20", "decrease", -30),
      flag("b", "2026-11-14", "increase", 10),
    ];
    expect(groupIntoWindows(flags)).toEqual([
      { series_id: "a", start: "2026-11-13", end: "2026-11-15", days: 3, direction: "increase", expected: 300, actual: 550.4, impact: 250.4, score: 5, severity: "high" },
      { series_id: "a", start: "2026-11-16", end: "2026-11-16", days: 1, direction: "decrease", expected: 100, actual: 70, impact: -30, score: -5, severity: "low" },
      { series_id: "a", start: "2026-11-20", end: "2026-11-20", days: 1, direction: "decrease", expected: 100, actual: 70, impact: -30, score: -5, severity: "low" },
      { series_id: "b", start: "2026-11-14", end: "2026-11-14", days: 1, direction: "increase", expected: 100, actual: 110, impact: 10, score: 5, severity: "low" },
    ]);
  });

  const dir = mkdtempSync(join(tmpdir(), "detect-windows-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps one entry per day by default, and with --windows covers exactly the same days", async () => {
    const spiky = scale(makeSeries({ days: 240, seed: 3 }), 200, 203, 4);
    const input = join(dir, "in.csv");
    // Quoted ids with a comma inside: read like any other id.
    writeFileSync(input, `series_id,date,cost\n${spiky.map((p) => `"acct, a",${p.date},${p.cost}`).join("\n")}\n`);
    await runDetect({ input, output: join(dir, "days.json") });
    await runDetect({ input, output: join(dir, "windows.json"), windows: true });
    const days = JSON.parse(readFileSync(join(dir, "days.json"), "utf8")).anomalies as AnomalyFlag[];
    const windows = JSON.parse(readFileSync(join(dir, "windows.json"), "utf8")).anomalies as { start: string; end: string; days: number; series_id: string }[];
    expect(days.length).toBeGreaterThan(0);
    expect(days.every((d) => d.series_id === "acct, a" && "date" in d)).toBe(true);
    expect(windows.reduce((n, w) => n + w.days, 0)).toBe(days.length);
    expect(windows.length).toBeLessThan(days.length);
    expect(windows).toContainEqual(expect.objectContaining({ series_id: "acct, a", start: spiky[200]?.date }));
  });

  it("writes to stdout for --output -", async () => {
    const input = join(dir, "small.csv");
    writeFileSync(input, `series_id,date,cost\n${scale(makeSeries({ days: 120, seed: 5 }), 110, 110, 5).map((p) => `s,${p.date},${p.cost}`).join("\n")}\n`);
    let stdout = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string, cb?: (err?: Error) => void) => {
      stdout += String(chunk);
      cb?.();
      return true;
    }) as typeof process.stdout.write);
    try {
      await runDetect({ input, output: "-" });
    } finally {
      spy.mockRestore();
    }
    const parsed = JSON.parse(stdout) as { anomalies: AnomalyFlag[] };
    expect(parsed.anomalies.length).toBeGreaterThan(0);
  });
});
