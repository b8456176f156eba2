import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDetect } from "#cli/commands/detect.js";
import { detectSeries } from "#domain/analysis/anomaly/index.js";
import { makeSeries, scale } from "../domain/analysis/anomaly/synthetic-series.js";

const dir = mkdtempSync(join(tmpdir(), "detect-cli-"));

function writeCsv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `series_id,date,cost\n${lines.join("\n")}\n`);
  return path;
}

describe("runDetect (detect --input F.csv --output F.json)", () => {
  it("round-trips unsorted input and writes the flags the domain finds", async () => {
    // Prepare: two series, one with a spike on day 200, rows shuffled together.
    const spiky = scale(makeSeries({ days: 240, seed: 3 }), 200, 200, 4);
    const calm = makeSeries({ days: 180, start: "2025-03-10", seed: 4 });
    const rows = [...spiky.map((p) => `acct-a,${p.date},${p.cost}`), ...calm.map((p) => `acct-b,${p.date},${p.cost}`)];
    const shuffled = rows.map((r, i) => [r, (i * 7919) % rows.length] as const).sort((a, b) => a[1] - b[1]).map(([r]) => r);
    const input = writeCsv("mixed.csv", shuffled);
    const output = join(dir, "mixed.json");
    const progress: number[] = [];

    // Act
    const result = await runDetect({ input, output, onProgress: (done) => progress.push(done) });

    // Assess
    const written = JSON.parse(readFileSync(output, "utf8")) as { anomalies: Record<string, unknown>[] };
    const expected = [...detectSeries(spiky, {}, [], "acct-a"), ...detectSeries(calm, {}, [], "acct-b")];
    expect(result).toEqual({ series: 2, anomalies: expected.length });
    expect(written.anomalies).toEqual(expected);
    expect(written.anomalies).toContainEqual(expect.objectContaining({ series_id: "acct-a", date: spiky[200]?.date, direction: "increase" }));
    for (const a of written.anomalies) {
      expect(Object.keys(a).sort()).toEqual(["actual", "date", "direction", "expected", "impact", "score", "series_id", "severity"]);
      expect(typeof a.expected).toBe("number");
    }
    expect(progress.at(-1)).toBe(2);
  });

  it("writes an empty list for a series too short to judge", async () => {
    // Prepare
    const input = writeCsv("short.csv", ["s,2025-01-01,1", "s,2025-01-02,100"]);
    const output = join(dir, "short.json");

    // Act
    const result = await runDetect({ input, output });

    // Assess
    expect(result).toEqual({ series: 1, anomalies: 0 });
    expect(JSON.parse(readFileSync(output, "utf8"))).toEqual({ anomalies: [] });
  });

  it.each([
    [["s,2025-01-01,1", "s,2025-01-02,oops"], /line 3: cost must be a number/],
    [["s,2025-01-01,1", "s,2025-02-31,1"], /line 3: date must be a real YYYY-MM-DD date/],
    [["s,2025-01-01"], /line 2: expected 3 columns/],
  ])("rejects a bad row with an error naming the line: %j", async (lines, message) => {
    // Prepare
    const input = writeCsv("bad.csv", lines);

    // Act + Assess
    await expect(runDetect({ input, output: join(dir, "bad.json") })).rejects.toThrow(message);
  });

  it("rejects a series spanning more days than supported, naming it", async () => {
    // Prepare: one stray date 30 years away.
    const input = writeCsv("span.csv", ["s,2025-01-01,1", "s,1995-01-01,1"]);

    // Act + Assess
    await expect(runDetect({ input, output: join(dir, "span.json") })).rejects.toThrow(/series "s" spans \d+ days/);
  });

  it("rejects missing options and a missing file clearly", async () => {
    await expect(runDetect({ input: "", output: join(dir, "x.json") })).rejects.toThrow(/--input is required/);
    await expect(runDetect({ input: join(dir, "nope.csv"), output: join(dir, "x.json") })).rejects.toThrow(/ENOENT/);
  });
});
