import { type Node, parse } from "sql-parser-cst";
import { describe, expect, it } from "vitest";
import { deleteWindowStatement, mergeStatement } from "#adapters/bigquery/cost-merge-sql.js";
import { daysStatement, queryDailyStatement, totalsStatement } from "#adapters/bigquery/cost-read-sql.js";
import type { Statement } from "#adapters/bigquery/statement.js";
import { createDatasetDdl, createTableDdl } from "#adapters/bigquery/table-ddl.js";
import { DATASETS, HISTORY_TABLES } from "#adapters/bigquery/table-schemas.js";
import { COST_DIMENSIONS } from "#domain/billing/cost-record.js";
import { type CostColumn, type CostQuery, MAX_GROUP_BY_TAGS, type WindowScope } from "#domain/billing/ports.js";

/**
 * Every statement the BigQuery warehouse can emit, parsed in the BigQuery dialect (a syntax error
 * fails here, not in production), and checked on its syntax tree: wherever the ledger is read or
 * written, tenant_id is pinned to @tenant_id and, for a window, charge_period_start to the
 * window's parameters, as top-level conjuncts; values appear only as parameters.
 */

const LEDGER = "`costmon-test.cost_analytics.daily_costs`";
const STAGING = "`costmon-test.cost_analytics_staging.daily_costs_0123456789abcdef0123456789abcdef`";
const window = { start: "2026-03-01", end: "2026-03-31" };
const scope: WindowScope = { tenantId: "acme", provider: "gcp", source: "collect:gcp-1" };

type AnyNode = Node & Record<string, unknown>;

function cst(sql: string): Node {
  return parse(sql, { dialect: "bigquery", paramTypes: ["@name"], includeRange: true });
}

function* walk(n: unknown): Generator<AnyNode> {
  if (Array.isArray(n)) for (const x of n) yield* walk(x);
  else if (n && typeof n === "object") {
    if ("type" in n) yield n as AnyNode;
    for (const v of Object.values(n)) if (v && typeof v === "object") yield* walk(v);
  }
}

const textOf = (sql: string, n: AnyNode) => {
  const [a, b] = n.range as [number, number];
  return sql.slice(a, b);
};

/** The AND-ed parts of a condition, through parentheses. */
function conjuncts(e: AnyNode | undefined): AnyNode[] {
  if (!e) return [];
  if (e.type === "paren_expr") return conjuncts(e.expr as AnyNode);
  const op = e.operator as { name?: string } | string | undefined;
  if (e.type === "binary_expr" && typeof op === "object" && op.name === "AND") {
    return [...conjuncts(e.left as AnyNode), ...conjuncts(e.right as AnyNode)];
  }
  return [e];
}

/** The column a reference names: `x` or `T.x`. */
function columnName(n: AnyNode): string | undefined {
  if (n.type === "identifier") return n.name as string;
  if (n.type === "member_expr") return columnName(n.property as AnyNode);
  return undefined;
}

const isParam = (n: AnyNode, name: string) => n.type === "parameter" && n.text === `@${name}`;

function pinsTenant(c: AnyNode): boolean {
  return c.type === "binary_expr" && c.operator === "=" && columnName(c.left as AnyNode) === "tenant_id" && isParam(c.right as AnyNode, "tenant_id");
}

function pinsWindow(c: AnyNode): boolean {
  return (
    c.type === "between_expr" &&
    columnName(c.left as AnyNode) === "charge_period_start" &&
    isParam(c.begin as AnyNode, "window_start") &&
    isParam(c.end as AnyNode, "window_end")
  );
}

function pinsParam(c: AnyNode, column: string, param: string): boolean {
  if (c.type === "binary_expr" && c.operator === "=") return columnName(c.left as AnyNode) === column && isParam(c.right as AnyNode, param);
  // `col IN UNNEST(@param)`
  return c.type === "binary_expr" && columnName(c.left as AnyNode) === column && [...walk(c.right)].some((n) => isParam(n, param));
}

interface LedgerAccess {
  how: "select" | "delete" | "merge-on" | "merge-delete";
  conds: AnyNode[];
}

/** Every place the statement reads or writes the ledger, with the conditions that scope it. */
function ledgerAccesses(sql: string, root: Node): LedgerAccess[] {
  const isLedger = (n: unknown) => !!n && textOf(sql, (n as AnyNode).type === "alias" ? ((n as AnyNode).expr as AnyNode) : (n as AnyNode)) === LEDGER;
  const out: LedgerAccess[] = [];
  for (const n of walk(root)) {
    const clauses = (n.clauses ?? []) as AnyNode[];
    const where = clauses.find((c) => c.type === "where_clause")?.expr as AnyNode | undefined;
    if (n.type === "select_stmt" && clauses.some((c) => c.type === "from_clause" && isLedger(c.expr))) out.push({ how: "select", conds: conjuncts(where) });
    if (n.type === "delete_stmt" && clauses.some((c) => c.type === "delete_clause" && ((c.tables as AnyNode).items as AnyNode[]).some(isLedger))) {
      out.push({ how: "delete", conds: conjuncts(where) });
    }
    if (n.type === "merge_stmt") {
      const head = clauses.find((c) => c.type === "merge_clause");
      if (!head || !isLedger(head.target)) continue;
      out.push({ how: "merge-on", conds: conjuncts(head.condition as AnyNode) });
      for (const w of clauses.filter((c) => c.type === "merge_when_clause" && (c.action as AnyNode).type === "merge_action_delete")) {
        out.push({ how: "merge-delete", conds: conjuncts((w.condition as AnyNode | undefined)?.expr as AnyNode | undefined) });
      }
    }
  }
  return out;
}

/** Checks shared by every statement over the ledger. */
function expectScoped(stmt: Statement, windowed: boolean): LedgerAccess[] {
  const root = cst(stmt.sql);
  const accesses = ledgerAccesses(stmt.sql, root);
  expect(accesses.length, "the statement reads or writes the ledger").toBeGreaterThan(0);
  for (const a of accesses) {
    expect(a.conds.some(pinsTenant), `${a.how}: tenant_id = @tenant_id`).toBe(true);
    if (windowed) expect(a.conds.some(pinsWindow), `${a.how}: charge_period_start BETWEEN the window`).toBe(true);
  }
  // Values travel only as parameters: no literal strings, and the parameters match the text.
  expect([...walk(root)].filter((n) => n.type === "string_literal").map((n) => n.text)).toEqual([]);
  const used = new Set([...walk(root)].filter((n) => n.type === "parameter").map((n) => String(n.text).slice(1)));
  expect([...used].sort()).toEqual(Object.keys(stmt.params).sort());
  expect(Object.keys(stmt.types).sort()).toEqual(Object.keys(stmt.params).sort());
  return accesses;
}

/** Every subset of the groupable columns, in their declared order. */
const COLUMNS: CostColumn[] = [...COST_DIMENSIONS, "charge_category"];
const SUBSETS: CostColumn[][] = Array.from({ length: 1 << COLUMNS.length }, (_, mask) => COLUMNS.filter((_, i) => mask & (1 << i)));

const VARIANTS: [string, Omit<CostQuery, "window" | "groupBy">][] = [
  ["plain", {}],
  ["one filter", { filter: { provider: ["gcp", "aws"] } }],
  ["a filter on every column, one empty", { filter: { provider: [], sub_account_id: ["p1"], service_name: ["Compute"], region_id: ["eu"], charge_category: ["Usage"] } }],
  ["one tag", { tags: { team: "ml" } }],
  ["three tags", { tags: { team: "ml", env: "prod", "k8s.io/app": "web" } }],
  ["grouped by a tag", { groupByTags: ["team"] }],
  ["grouped by the most tags", { groupByTags: Array.from({ length: MAX_GROUP_BY_TAGS }, (_, i) => `k${i}`) }],
  ["no grouped tags", { groupByTags: [] }],
  ["everything together", { filter: { service_name: ["Compute"] }, tags: { team: "ml" }, groupByTags: ["env", "cost center"] }],
];

describe("BigQuery statements of the warehouse", () => {
  describe.each(VARIANTS)("queryDaily, %s", (_label, extra) => {
    it.each(SUBSETS.map((s) => [s.join(",") || "(day only)", s] as const))("grouped by %s parses and is scoped", (_name, groupBy) => {
      // Prepare
      const stmt = queryDailyStatement(LEDGER, "acme", { window, groupBy, ...extra });
      // Act
      const accesses = expectScoped(stmt, true);
      // Assess
      expect(accesses.map((a) => a.how)).toEqual(["select"]);
      for (const [col] of Object.entries(extra.filter ?? {})) {
        expect(accesses[0]!.conds.some((c) => pinsParam(c, col, `filter_${col}`)), `filter on ${col}`).toBe(true);
        expect(stmt.types[`filter_${col}`]).toEqual(["STRING"]);
      }
      expect(stmt.types.window_start).toBe("DATE");
    });
  });

  it("queryDaily groups and orders in the order asked, missing tags last", () => {
    const stmt = queryDailyStatement(LEDGER, "acme", { window, groupBy: ["region_id", "provider"], groupByTags: ["team"] });
    const order = /ORDER BY (.*)$/m.exec(stmt.sql)?.[1];
    expect(order).toBe("charge_period_start, region_id, provider, tag_0 IS NULL, tag_0");
    expect(stmt.params.group_tag_0).toBe("team");
  });

  it.each([
    ["over a window", window],
    ["over all time", undefined],
  ])("totals %s parses and is scoped", (_label, w) => {
    expectScoped(totalsStatement(LEDGER, "acme", w), w !== undefined);
  });

  it("days parses and is scoped to the tenant", () => {
    expectScoped(daysStatement(LEDGER, "acme"), false);
  });

  it("the upsert MERGE pins tenant and window in its ON clause and deletes nothing", () => {
    const stmt = mergeStatement({ target: LEDGER, staging: STAGING, tenantId: "acme", window });
    const accesses = expectScoped(stmt, true);
    expect(accesses.map((a) => a.how)).toEqual(["merge-on"]);
    expect(stmt.sql).not.toMatch(/NOT MATCHED BY SOURCE/);
  });

  it.each<[string, WindowScope]>([
    ["without sub accounts", scope],
    ["with sub accounts", { ...scope, subAccountIds: ["p1", "p2"] }],
    ["with billing accounts (an import unit)", { ...scope, billingAccountIds: ["ba-1"] }],
  ])("the replaceWindow MERGE %s deletes only the scope's rows in the window", (_label, s) => {
    const stmt = mergeStatement({ target: LEDGER, staging: STAGING, tenantId: s.tenantId, window, replace: s });
    const accesses = expectScoped(stmt, true);
    const del = accesses.find((a) => a.how === "merge-delete");
    expect(accesses.map((a) => a.how)).toEqual(["merge-on", "merge-delete"]);
    expect(del!.conds.some((c) => pinsParam(c, "provider", "provider"))).toBe(true);
    expect(del!.conds.some((c) => pinsParam(c, "source", "source"))).toBe(true);
    expect(del!.conds.some((c) => pinsParam(c, "sub_account_id", "sub_account_ids"))).toBe(s.subAccountIds !== undefined);
    expect(del!.conds.some((c) => pinsParam(c, "billing_account_id", "billing_account_ids"))).toBe(s.billingAccountIds !== undefined);
  });

  it.each<[string, WindowScope]>([
    ["without sub accounts", scope],
    ["with sub accounts", { ...scope, subAccountIds: ["p1"] }],
    ["with billing accounts", { ...scope, billingAccountIds: ["ba-1"] }],
  ])("the replaceWindow DELETE (no records) %s is scoped", (_label, s) => {
    const stmt = deleteWindowStatement(LEDGER, s, window);
    const [del] = expectScoped(stmt, true);
    expect(del!.how).toBe("delete");
    expect(del!.conds.some((c) => pinsParam(c, "provider", "provider")) && del!.conds.some((c) => pinsParam(c, "source", "source"))).toBe(true);
    expect(del!.conds.some((c) => pinsParam(c, "sub_account_id", "sub_account_ids"))).toBe(s.subAccountIds !== undefined);
    expect(del!.conds.some((c) => pinsParam(c, "billing_account_id", "billing_account_ids"))).toBe(s.billingAccountIds !== undefined);
  });

  it.each(HISTORY_TABLES.map((t) => [`${t.dataset}.${t.table}`, t] as const))("CREATE TABLE for %s parses", (_name, t) => {
    const sql = createTableDdl(t, { projectId: "costmon-test", datasetId: t.dataset });
    const root = cst(sql);
    const create = [...walk(root)].find((n) => n.type === "create_table_stmt");
    expect(create).toBeDefined();
    expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS /);
  });

  it.each(DATASETS.map((d) => [d.id, d] as const))("CREATE SCHEMA for %s parses", (_name, d) => {
    const sql = createDatasetDdl(d, { projectId: "costmon-test", datasetId: d.id }, "EU");
    expect([...walk(cst(sql))].some((n) => n.type === "create_schema_stmt")).toBe(true);
  });

  it("the dialect check has teeth: another dialect's syntax and a reserved word fail", () => {
    expect(() => cst("SELECT a FROM t WHERE x = $1")).toThrow(/Syntax Error/);
    expect(() => cst("SELECT hash FROM t")).toThrow(/Syntax Error/);
  });
});
