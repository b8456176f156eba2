import { type Node, parse } from "sql-parser-cst";
import { describe, expect, it } from "vitest";
import { createTableDdl, restSchema } from "#adapters/bigquery/table-ddl.js";
import { rowSchema } from "#adapters/bigquery/table-row-schema.js";
import { ANOMALIES, DAILY_COSTS, HISTORY_TABLES, type TableSpec } from "#adapters/bigquery/table-schemas.js";
import { CostRecordSchema } from "#domain/billing/cost-record.js";

/**
 * The history tables' one source (table-schemas.ts): the rules DESIGN.md §4 sets for every table
 * hold on the data, and the DDL generated from it says the same thing when parsed back.
 */

type AnyNode = Node & Record<string, unknown>;

function* walk(n: unknown): Generator<AnyNode> {
  if (Array.isArray(n)) for (const x of n) yield* walk(x);
  else if (n && typeof n === "object") {
    if ("type" in n) yield n as AnyNode;
    for (const v of Object.values(n)) if (v && typeof v === "object") yield* walk(v);
  }
}

const ddlOf = (t: TableSpec) => createTableDdl(t, { projectId: "costmon-test", datasetId: t.dataset });
const tables = HISTORY_TABLES.map((t) => [`${t.dataset}.${t.table}`, t] as const);

describe("history table schemas", () => {
  it("daily_costs has exactly the CostRecord's columns", () => {
    // Prepare
    const recordFields = Object.keys(CostRecordSchema.shape).sort();
    // Act
    const columns = DAILY_COSTS.columns.map((c) => c.name).sort();
    // Assess
    expect(columns).toEqual(recordFields);
  });

  it("every money column of daily_costs is BIGNUMERIC(38, 12), the ledger's 12 places", () => {
    const money = DAILY_COSTS.columns.filter((c) => /cost|quantity/.test(c.name));
    expect(money.map((c) => [c.name, c.type, c.precision, c.scale])).toEqual([
      ["billed_cost", "BIGNUMERIC", 38, 12],
      ["effective_cost", "BIGNUMERIC", 38, 12],
      ["list_cost", "BIGNUMERIC", 38, 12],
      ["pricing_quantity", "BIGNUMERIC", 38, 12],
    ]);
  });

  it("anomalies: amounts under currency-neutral names with the currency beside them; dollar names refused", () => {
    // Prepare
    const row = {
      tenant_id: "acme",
      run_date: "2026-11-20",
      anomaly_id: "a1",
      series_key: "gcp|p1|Compute Engine",
      start_date: "2026-11-18",
      end_date: "2026-11-19",
      direction: "increase",
      expected: "100",
      actual: "160.5",
      impact: "60.5",
      currency: "EUR",
      score: 7.5,
      severity: "high",
      status: "open",
      root_causes: [{ dimension: "region", value: "europe-west1", contribution: "60.5" }],
      recorded_at: "2026-11-20T06:00:00Z",
    };
    const schema = rowSchema(ANOMALIES);
    const { currency: _c, ...withoutCurrency } = row;
    // Act + Assess
    expect(schema.parse(row)).toMatchObject({ impact: "60.5", currency: "EUR", root_causes: [{ contribution: "60.5" }] });
    expect(schema.safeParse(withoutCurrency).success).toBe(false);
    expect(schema.safeParse({ ...row, impact_usd: "60.5" }).success).toBe(false);
    expect(ANOMALIES.columns.map((c) => c.name).filter((n) => n.endsWith("_usd"))).toEqual([]);
  });

  it("table names are unique", () => {
    expect(new Set(tables.map(([n]) => n)).size).toBe(tables.length);
  });

  it.each(tables)("%s: tenant-first clustering, day partitions on a required date column, unique names", (_name, t) => {
    const byName = new Map(t.columns.map((c) => [c.name, c]));
    expect(byName.size).toBe(t.columns.length);
    expect(byName.get("tenant_id")).toMatchObject({ type: "STRING", mode: "REQUIRED" });
    const partition = byName.get(t.partitioning.field);
    expect(partition?.mode).toBe("REQUIRED");
    expect(["DATE", "TIMESTAMP"]).toContain(partition?.type);
    expect(t.partitioning.type).toBe("DAY");
    expect(t.clustering[0]).toBe("tenant_id");
    expect(t.clustering.length).toBeLessThanOrEqual(4);
    for (const c of t.clustering) expect(byName.get(c)).toMatchObject({ mode: "REQUIRED", type: expect.stringMatching(/^(STRING|DATE|TIMESTAMP|INT64)$/) });
    for (const c of t.columns) expect(c.description.length).toBeGreaterThan(0);
  });

  it.each(tables)("%s: the DDL parses back to the same columns, partitioning and clustering", (_name, t) => {
    // Act
    const sql = ddlOf(t);
    const stmt = [...walk(parse(sql, { dialect: "bigquery", includeRange: true }))].find((n) => n.type === "create_table_stmt")!;
    // Assess
    const top = ((stmt.columns as AnyNode).expr as AnyNode).items as AnyNode[];
    expect(top.map((n) => (n.name as AnyNode).name)).toEqual(t.columns.map((c) => c.name));
    const notNull = top.filter((n) => (n.constraints as AnyNode[]).some((c) => c.type === "constraint_not_null")).map((n) => (n.name as AnyNode).name);
    expect(notNull).toEqual(t.columns.filter((c) => c.mode === "REQUIRED").map((c) => c.name));
    const clauses = stmt.clauses as AnyNode[];
    const partition = clauses.find((c) => c.type === "partition_by_clause")!;
    const identifiers = [...walk(partition)].filter((n) => n.type === "identifier").map((n) => n.name);
    expect(identifiers).toContain(t.partitioning.field);
    const cluster = clauses.find((c) => c.type === "cluster_by_clause")!;
    expect(((cluster.columns as AnyNode).items as AnyNode[]).map((n) => n.name)).toEqual([...t.clustering]);
  });

  it("a TIMESTAMP partition column is partitioned by its UTC day", () => {
    const audit = HISTORY_TABLES.find((t) => t.dataset === "audit_logs")!;
    expect(ddlOf(audit)).toMatch(/^PARTITION BY TIMESTAMP_TRUNC\(occurred_at, DAY\)$/m);
    expect(ddlOf(DAILY_COSTS)).toMatch(/^PARTITION BY charge_period_start$/m);
  });

  it("the load jobs' REST schema carries the same columns, modes and decimal precision", () => {
    const fields = restSchema(DAILY_COSTS).fields;
    expect(fields.map((f) => [f.name, f.type, f.mode])).toEqual(DAILY_COSTS.columns.map((c) => [c.name, c.type, c.mode]));
    expect(fields.find((f) => f.name === "billed_cost")).toMatchObject({ precision: "38", scale: "12" });
    expect(fields.find((f) => f.name === "tags")?.fields?.map((f) => [f.name, f.type, f.mode])).toEqual([
      ["key", "STRING", "REQUIRED"],
      ["value", "STRING", "REQUIRED"],
    ]);
  });
});
