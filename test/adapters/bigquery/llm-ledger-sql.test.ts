import { type Node, parse } from "sql-parser-cst";
import { describe, expect, it } from "vitest";
import { providerTotalStatement, reconciliationStatement, rollupsStatement, scopeSumStatement, usageRowsStatement, usageTotalsStatement } from "#adapters/bigquery/llm-ledger-sql.js";
import { moneyPico } from "#adapters/bigquery/llm-ledger-rows.js";
import type { Statement } from "#adapters/bigquery/statement.js";
import { USAGE_DIMENSIONS, type UsageDimension } from "#domain/llm-usage/ledger-port.js";

/**
 * Every statement the gcp LLM ledger sends, parsed in the BigQuery dialect (a syntax error fails
 * here, not in production), and checked on its syntax tree: the events table is read once, with
 * tenant_id pinned to @tenant_id and usage_date (the partition column) to the window's
 * parameters; values appear only as parameters. What the statements compute is tested against
 * the LlmLedger conformance suite (test/integration/gcp-llm-ledger.test.ts).
 */
const TABLE = "`costmon-test.llm_usage.events`";
const window = { start: "2026-03-01", end: "2026-03-31" };

type AnyNode = Node & Record<string, unknown>;

function* walk(n: unknown): Generator<AnyNode> {
  if (Array.isArray(n)) for (const x of n) yield* walk(x);
  else if (n && typeof n === "object") {
    if ("type" in n) yield n as AnyNode;
    for (const v of Object.values(n)) if (v && typeof v === "object") yield* walk(v);
  }
}

const textOf = (sql: string, n: AnyNode) => sql.slice(...(n.range as [number, number]));

function conjuncts(e: AnyNode | undefined): AnyNode[] {
  if (!e) return [];
  if (e.type === "paren_expr") return conjuncts(e.expr as AnyNode);
  const op = e.operator as { name?: string } | string | undefined;
  if (e.type === "binary_expr" && typeof op === "object" && op.name === "AND") return [...conjuncts(e.left as AnyNode), ...conjuncts(e.right as AnyNode)];
  return [e];
}

const ident = (n: AnyNode) => (n.type === "identifier" ? (n.name as string) : undefined);
const isParam = (n: AnyNode, name: string) => n.type === "parameter" && n.text === `@${name}`;

function expectScoped(stmt: Statement): void {
  const root = parse(stmt.sql, { dialect: "bigquery", paramTypes: ["@name"], includeRange: true });
  const reads = [...walk(root)].filter((n) => n.type === "select_stmt" && ((n.clauses ?? []) as AnyNode[]).some((c) => c.type === "from_clause" && textOf(stmt.sql, c.expr as AnyNode) === TABLE));
  expect(reads.length, "the events table is read once").toBe(1);
  const where = ((reads[0]?.clauses ?? []) as AnyNode[]).find((c) => c.type === "where_clause")?.expr as AnyNode | undefined;
  const conds = conjuncts(where);
  expect(conds.some((c) => c.type === "binary_expr" && c.operator === "=" && ident(c.left as AnyNode) === "tenant_id" && isParam(c.right as AnyNode, "tenant_id"))).toBe(true);
  expect(conds.some((c) => c.type === "between_expr" && ident(c.left as AnyNode) === "usage_date" && isParam(c.begin as AnyNode, "window_start") && isParam(c.end as AnyNode, "window_end"))).toBe(true);
  expect(stmt.params).toMatchObject({ tenant_id: "acme", window_start: window.start, window_end: window.end });
  expect(stmt.types).toMatchObject({ tenant_id: "STRING", window_start: "DATE", window_end: "DATE" });
  expect([...walk(root)].filter((n) => n.type === "string_literal")).toEqual([]);
  const used = new Set([...walk(root)].filter((n) => n.type === "parameter").map((n) => String(n.text).slice(1)));
  expect([...used].sort()).toEqual(Object.keys(stmt.params).sort());
}

const subsets = <T>(xs: readonly T[]): T[][] => Array.from({ length: 1 << xs.length }, (_, m) => xs.filter((_, i) => m & (1 << i)));

describe("the gcp LLM ledger's SQL in the BigQuery dialect", () => {
  it("usage statements for every grouping, with and without filters", () => {
    for (const groupBy of subsets<UsageDimension>(USAGE_DIMENSIONS)) {
      const filter = Object.fromEntries(groupBy.slice(0, 2).map((d) => [d, `v-${d}`]));
      expectScoped(usageTotalsStatement(TABLE, "acme", { window, groupBy, filter, limit: 10 }));
      if (groupBy.length) expectScoped(usageRowsStatement(TABLE, "acme", { window, groupBy, filter, limit: 10 }));
    }
  });

  it("rollups, reconciliation and the provider total", () => {
    expectScoped(rollupsStatement(TABLE, "acme", window));
    expectScoped(reconciliationStatement(TABLE, "acme", window));
    expectScoped(providerTotalStatement(TABLE, "acme", "openai", window));
  });

  it("the budget scope sum with every kind of condition, lists as ARRAY<STRING> parameters", () => {
    const f = { providers: ["openai"], excludeProviders: [], models: ["gpt-4o-mini", "o3"], tags: { team: "ml", key: "gw" } };
    const stmt = scopeSumStatement(TABLE, "acme", window, f);
    expectScoped(stmt);
    expect(stmt.types).toMatchObject({ providers: ["STRING"], exclude_providers: ["STRING"], models: ["STRING"], tag_team: "STRING", tag_key: "STRING" });
    expectScoped(scopeSumStatement(TABLE, "acme", window, { tags: {} }));
  });

  it("limits a grouped read to 1..10,000 rows whatever it is asked", () => {
    expect(usageRowsStatement(TABLE, "acme", { window, groupBy: ["model"], limit: 0 }).sql).toMatch(/LIMIT 1$/);
    expect(usageRowsStatement(TABLE, "acme", { window, groupBy: ["model"], limit: 1e9 }).sql).toMatch(/LIMIT 10000$/);
  });
});

describe("money sums as BigQuery casts them to STRING", () => {
  it("decode to exact pico-dollars, exponent form included, and refuse anything else", () => {
    expect(moneyPico("123456.789012345978")).toBe(123_456_789_012_345_978n);
    expect(moneyPico("0")).toBe(0n);
    expect(moneyPico("1E-12")).toBe(1n);
    expect(() => moneyPico("NaN")).toThrow(/malformed/);
    expect(() => moneyPico(12)).toThrow(/malformed/);
  });
});
