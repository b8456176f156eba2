import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CompositeIndex, type IndexFile, indexesFor, indexFor, indexKey } from "#adapters/firestore/composite-indexes.js";
import { QUERY_REGISTRY, type RegisteredQuery } from "#adapters/firestore/query-registry.js";
import { repoRoot } from "../../support/shared-data.js";
import { type ScannedQuery, scanListCalls } from "./list-call-scan.js";

/**
 * The query registry is the one list of field queries; firestore.indexes.json follows from it
 * (`node scripts/firestore-indexes.mjs` regenerates it) and the code's `list(` calls must match it.
 */
const SRC = join(repoRoot, "functions", "src");

const roles = (fields: { field: string; role: string }[]) => [...new Set(fields.map((f) => `${f.field}:${f.role}`))].sort();

function registryRoles(q: RegisteredQuery): string[] {
  const where = (q.where ?? []).map(([field, op]) => ({
    field,
    role: op === "==" || op === "in" ? "eq" : op === "array-contains" ? "contains" : "range",
  }));
  return roles([...where, ...(q.orderBy ?? []).map((o) => ({ field: o.field, role: "order" }))]);
}

function matches(q: RegisteredQuery, s: ScannedQuery): boolean {
  const optional = new Set(q.optional ?? []);
  return (
    s.collection === q.collection &&
    s.file === q.source &&
    JSON.stringify(roles(s.fields)) === JSON.stringify(registryRoles(q)) &&
    // A filter the code adds only sometimes must be optional here, or its variants get no index.
    s.fields.every((f) => !f.optional || optional.has(f.field))
  );
}

const describeSite = (s: ScannedQuery) => `functions/src/${s.file}:${s.line} ${s.collection ?? "?"} [${roles(s.fields).join(", ")}]`;

describe("firestore.indexes.json follows the query registry", () => {
  const file = JSON.parse(readFileSync(join(repoRoot, "firestore.indexes.json"), "utf8")) as IndexFile;
  const needed = indexesFor(QUERY_REGISTRY).indexes;
  const show = (i: CompositeIndex) => `${i.collectionGroup}(${i.fields.map((f) => `${f.fieldPath} ${f.order ?? f.arrayConfig}`).join(", ")})`;

  it("holds every composite index a registered query needs", () => {
    const have = new Set(file.indexes.map(indexKey));
    const missing = needed.filter((i) => !have.has(indexKey(i))).map(show);
    expect(missing, "run node scripts/firestore-indexes.mjs").toEqual([]);
  });

  it("holds no index that no registered query needs", () => {
    const want = new Set(needed.map(indexKey));
    const extra = file.indexes.filter((i) => !want.has(indexKey(i))).map(show);
    expect(extra, "register the query that needs it, or run node scripts/firestore-indexes.mjs").toEqual([]);
  });

  it("is byte for byte what the generator writes", () => {
    expect(readFileSync(join(repoRoot, "firestore.indexes.json"), "utf8")).toBe(`${JSON.stringify(indexesFor(QUERY_REGISTRY), null, 2)}\n`);
  });
});

describe("composite indexes of one query", () => {
  it.each<[string, Omit<RegisteredQuery, "id" | "source" | "why">, string | null]>([
    ["one equality field: single-field index", { collection: "c", where: [["a", "=="]] }, null],
    ["a range and its order on one field: single-field index", { collection: "c", where: [["d", ">="], ["d", "<="]], orderBy: [{ field: "d" }] }, null],
    ["two equalities", { collection: "c", where: [["a", "=="], ["b", "in"]] }, "c(a ASCENDING, b ASCENDING)"],
    ["equality then range", { collection: "c", where: [["createdAt", ">="], ["tenantId", "=="]] }, "c(tenantId ASCENDING, createdAt ASCENDING)"],
    ["equality then order desc", { collection: "c", where: [["s", "=="]], orderBy: [{ field: "at", direction: "desc" }] }, "c(s ASCENDING, at DESCENDING)"],
    ["order then unordered inequalities, lexicographic, last direction", { collection: "c", where: [["z", ">"], ["a", "!="]], orderBy: [{ field: "m", direction: "desc" }] }, "c(m DESCENDING, a DESCENDING, z DESCENDING)"],
    ["array-contains with an order", { collection: "c", where: [["labels", "array-contains"]], orderBy: [{ field: "n" }] }, "c(labels CONTAINS, n ASCENDING)"],
  ])("%s", (_label, q, expected) => {
    const i = indexFor({ id: "t", source: "x.ts", why: "t", ...q });
    expect(i ? `${i.collectionGroup}(${i.fields.map((f) => `${f.fieldPath} ${f.order ?? f.arrayConfig}`).join(", ")})` : null).toBe(expected);
  });

  it("expands optional filters into every combination and keeps each distinct index once", () => {
    const q: RegisteredQuery = { id: "t", source: "x.ts", why: "t", collection: "c", where: [["a", "=="], ["b", "=="], ["d", ">="]], optional: ["a", "b"] };
    const names = indexesFor([q, q]).indexes.map((i) => i.fields.map((f) => f.fieldPath).join("+"));
    expect(names.sort()).toEqual(["a+b+d", "a+d", "b+d"]);
  });
});

describe("every field query in functions/src is registered", () => {
  const scanned = scanListCalls(SRC);

  it("the scan reads every query it finds (nothing computed it cannot follow)", () => {
    const unreadable = scanned.filter((s) => s.unresolved.length > 0 || s.collection === null).map((s) => `${describeSite(s)} ${s.unresolved.join("; ")}`);
    expect(unreadable).toEqual([]);
  });

  it("finds the queries known to exist, through variables, pushes and wrappers", () => {
    // A floor, so that a scan that finds nothing cannot pass the next test.
    const found = scanned.map(describeSite).join("\n");
    expect(found).toMatch(/domain\/alerts\/outbox\.ts:\d+ alert_deliveries \[createdAt:range, tenantId:eq\]/);
    expect(found).toMatch(/domain\/api\/anomalies\.ts:\d+ anomalies \[severity:eq, status:eq\]/);
  });

  it("every list( call on more than one field matches a registered query", () => {
    const multi = scanned.filter((s) => new Set(s.fields.map((f) => f.field)).size > 1);
    const unregistered = multi.filter((s) => !QUERY_REGISTRY.some((q) => matches(q, s))).map(describeSite);
    expect(unregistered, "add these to functions/src/adapters/firestore/query-registry.ts").toEqual([]);
  });

  it("every registered query is still made by the code (no stale entry keeps an index alive)", () => {
    const stale = QUERY_REGISTRY.filter((q) => !scanned.some((s) => matches(q, s))).map((q) => `${q.id} (${q.source})`);
    expect(stale).toEqual([]);
    for (const q of QUERY_REGISTRY) expect(existsSync(join(SRC, q.source)), q.source).toBe(true);
  });
});

describe("the scan itself, on a planted tree", () => {
  const dir = mkdtempSync(join(tmpdir(), "list-scan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("catches literal, pushed, spread and wrapped queries, and reports what it cannot read", () => {
    // Prepare
    mkdirSync(join(dir, "a"));
    writeFileSync(
      join(dir, "a", "wrap.ts"),
      `export async function pageOf(store, col, opts) { return store.list(col, { limit: 5, ...(opts.where ? { where: opts.where } : {}) }); }\n`,
    );
    writeFileSync(
      join(dir, "a", "calls.ts"),
      [
        `import { pageOf } from "./wrap.js";`,
        `export async function one(store, t) { return store.list(paths.budgets(t), { where: [["team", "==", "x"], ["n", ">", 1]] }); }`,
        `export async function two(store, t, s) { const where = [["day", ">=", s]]; if (s) where.push(["model", "==", s]); return store.list(paths.llmUsageDaily(t), { where, orderBy: [{ field: "day" }] }); }`,
        `export async function three(store, t) { return pageOf(store, paths.anomalies(t), { where: [["status", "==", "open"], ["at", "<", 3]] }); }`,
        `export async function four(store, t, f) { return store.list(paths.budgets(t), { where: [[f, "==", 1]] }); }`,
        `export async function five(store, t) { return store.list(paths.budgets(t), { limit: 3 }); }`,
      ].join("\n"),
    );
    // Act
    const found = scanListCalls(dir).map((s) => `${s.file} ${s.collection} [${roles(s.fields).join(", ")}] ${s.fields.filter((f) => f.optional).map((f) => f.field).join("+")} ${s.unresolved.join(";")}`);
    // Assess
    expect(found.sort()).toEqual(
      [
        "a/calls.ts budgets [n:range, team:eq]  ",
        "a/calls.ts llm_usage_daily [day:order, day:range, model:eq] model ",
        "a/calls.ts anomalies [at:range, status:eq] status+at ",
        "a/calls.ts budgets []  filter [f, \"==\", 1]",
      ].sort(),
    );
  });
});
