import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { importFocusRows } from "#domain/billing/providers/focus/import-focus.js";
import { OPTS, sampleLines } from "../../../../support/focus-test-support.js";
import { memoryRows } from "./memory-rows.js";

describe("ServiceCategory when the file leaves it null", () => {
  it.each([
    ["NULL", "Elastic Load Balancing", "Networking"],
    ["", "Amazon Simple Queue Service", "Integration"],
    ["null", "Some New Service", "Other"],
    ["compute", "Elastic Load Balancing", "Compute"],
  ])("ServiceCategory %j with ServiceName %j -> %s", async (cell, service, expected) => {
    // Prepare: a real AWS row of the sample with ServiceCategory and ServiceName replaced
    const { header, rows } = sampleLines(1);
    const head = (parse(header) as string[][])[0] ?? [];
    const row = ((parse(rows[0] ?? "") as string[][])[0] ?? []).map((c, i) =>
      head[i] === "ServiceCategory" ? cell : head[i] === "ServiceName" ? service : c,
    );
    // Act
    const result = await importFocusRows(memoryRows("category.csv", [head, row]), OPTS);
    // Assess
    expect(result.records[0]?.service_category).toBe(expected);
  });
});
