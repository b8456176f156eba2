import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TABLES_FILE, tablesJson } from "../../scripts/terraform/bigquery-schemas.js";

describe("terraform/modules/bigquery/tables.json", () => {
  it("is what scripts/terraform/bigquery-schemas.ts generates from table-schemas.ts", () => {
    expect(readFileSync(TABLES_FILE, "utf8")).toBe(tablesJson());
  });

  it("partitions every table by day and clusters it by tenant_id first", () => {
    const doc = JSON.parse(tablesJson()) as { tables: Record<string, { partition_type: string; clustering: string[] }> };
    for (const t of Object.values(doc.tables)) {
      expect(t.partition_type).toBe("DAY");
      expect(t.clustering[0]).toBe("tenant_id");
    }
  });
});
