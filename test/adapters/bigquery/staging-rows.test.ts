import { describe, expect, it } from "vitest";
import { ndjsonChunks, recordSpan } from "#adapters/bigquery/staging-rows.js";
import { costRecord, nextDay } from "../../conformance/cost-record-builder.js";

const day = (d: string, over: Parameters<typeof costRecord>[0] = {}) => costRecord({ charge_period_start: d, charge_period_end: nextDay(d), ...over });

describe("staging rows", () => {
  it("chunks whole lines under the byte limit and loses none", () => {
    // Prepare: ten rows, one with multi-byte text so that bytes, not characters, are counted.
    const records = Array.from({ length: 10 }, (_, i) => day(`2026-01-${String(i + 1).padStart(2, "0")}`, { service_name: i === 3 ? "Überwachung ☁" : "Compute" }));
    const lineBytes = Buffer.byteLength(ndjsonChunks([records[0]!], Number.POSITIVE_INFINITY)[0]!, "utf8");
    const limit = Math.floor(lineBytes * 2.5);

    // Act
    const chunks = ndjsonChunks(records, limit);

    // Assess
    expect(chunks.length).toBe(5);
    for (const c of chunks) {
      expect(Buffer.byteLength(c, "utf8")).toBeLessThanOrEqual(limit);
      expect(c.endsWith("\n")).toBe(true);
    }
    const lines = chunks.join("").trimEnd().split("\n").map((l) => JSON.parse(l) as { charge_period_start: string; service_name: string });
    expect(lines.map((l) => l.charge_period_start)).toEqual(records.map((r) => r.charge_period_start));
    expect(lines[3]!.service_name).toBe("Überwachung ☁");
  });

  it("puts a line longer than the limit in a chunk of its own, and gives no chunk for no rows", () => {
    expect(ndjsonChunks([day("2026-01-01"), day("2026-01-02")], 10)).toHaveLength(2);
    expect(ndjsonChunks([], 10)).toEqual([]);
  });

  it("tags become key/value records sorted by key", () => {
    const [chunk] = ndjsonChunks([day("2026-01-01", { tags: { z: "1", a: "2", "k8s.io/app": "web" } })], 1 << 20);
    expect(JSON.parse(chunk!).tags).toEqual([
      { key: "a", value: "2" },
      { key: "k8s.io/app", value: "web" },
      { key: "z", value: "1" },
    ]);
  });

  it("the span of a batch is its first and last day, whatever the order", () => {
    expect(recordSpan([day("2026-01-05"), day("2026-01-02"), day("2026-01-09")])).toEqual({ start: "2026-01-02", end: "2026-01-09" });
    expect(recordSpan([])).toBeNull();
  });
});
