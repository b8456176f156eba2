import { parse } from "sql-parser-cst";
import { describe, expect, it } from "vitest";
import { queryDailyStatement } from "#adapters/bigquery/cost-read-sql.js";

/**
 * The ledger-view filter of the BigQuery read statement (BigQuery cannot run here: the text is
 * parsed as BigQuery SQL and its condition and parameters checked). The same behaviour is run
 * against DuckDB and the memory fake by the conformance suite ("ledger views").
 */
const LEDGER = "`p.cost_analytics.daily_costs`";
const window = { start: "2026-05-01", end: "2026-05-31" };
const viewCondition = /(NOT )?EXISTS \(SELECT 1 FROM UNNEST\(tags\) AS kv WHERE kv\.key = @view_key AND kv\.value = @view_value\)/;

describe("queryDailyStatement reads one view of the ledger", () => {
  it("excludes the Kubernetes allocation rows from a plain query", () => {
    const stmt = queryDailyStatement(LEDGER, "acme", { window, groupBy: ["provider"] });
    expect(stmt.sql.match(viewCondition)?.[1]).toBe("NOT ");
    expect(stmt.params).toMatchObject({ view_key: "costmon:view", view_value: "kubernetes-allocation" });
    expect(() => parse(stmt.sql, { dialect: "bigquery", paramTypes: ["@name"] })).not.toThrow();
  });

  it("stays on the bill when the query only groups by a k8s: key", () => {
    const stmt = queryDailyStatement(LEDGER, "acme", { window, groupBy: [], groupByTags: ["k8s:namespace", "team"] });
    expect(stmt.sql.match(viewCondition)?.[1]).toBe("NOT ");
  });

  it.each([
    ["an explicit view", { view: "kubernetes-allocation" as const }],
    ["a k8s: tag scope", { tags: { "k8s:namespace": "web" } }],
  ])("keeps only the allocation rows for %s", (_label, extra) => {
    const stmt = queryDailyStatement(LEDGER, "acme", { window, groupBy: [], ...extra });
    expect(stmt.sql.match(viewCondition)?.[1]).toBeUndefined();
    expect(stmt.sql).toMatch(viewCondition);
  });
});
