import { FieldPath, Firestore } from "firebase-admin/firestore";
import { afterAll, describe, expect, it } from "vitest";
import { buildQuery, prepareQuery } from "#adapters/firestore/firestore-query.js";
import type { ListQuery } from "#kernel/ports.js";

/** Queries are only built here, never sent: a client without a server is enough. */
const db = new Firestore({ projectId: "demo-unit", host: "127.0.0.1:9", ssl: false });
afterAll(() => db.terminate());

const cursor = (o: string[], v: unknown[], id: string) => Buffer.from(JSON.stringify({ o, v: v.map((j) => ({ j })), id })).toString("base64url");

describe("ListQuery → Firestore query", () => {
  it.each<[string, ListQuery, string[], boolean]>([
    ["no order: by id", {}, [], false],
    ["explicit order, then the id in its direction", { orderBy: [{ field: "n", direction: "desc" }] }, ["n:desc"], true],
    [
      "inequality fields not ordered follow, lexicographic, in the last direction",
      { where: [["z", ">", 1], ["a", "!=", 2], ["t", "==", "x"]], orderBy: [{ field: "m", direction: "desc" }] },
      ["m:desc", "a:desc", "z:desc"],
      true,
    ],
    ["an ordered inequality field is not repeated", { where: [["n", ">=", 1], ["n", "<", 9]], orderBy: [{ field: "n" }] }, ["n:asc"], false],
  ])("%s", (_label, query, order, idDesc) => {
    const p = prepareQuery(query);
    expect(p.keys.map((k) => `${k.field}:${k.desc ? "desc" : "asc"}`)).toEqual(order);
    expect(p.idDesc).toBe(idDesc);
  });

  it.each<[string, ListQuery]>([
    ["a reserved field name", { where: [["__name__", "==", "x"]] }],
    ["in with 31 values", { where: [["t", "in", Array.from({ length: 31 }, (_, i) => i)]] }],
    ["a zero limit", { limit: 0 }],
    ["two array-contains", { where: [["a", "array-contains", 1], ["b", "array-contains", 2]] }],
  ])("refuses %s with invalid-argument", (_label, query) => {
    expect(() => prepareQuery(query)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  it.each<[string, string]>([
    ["not base64 JSON", "%%%"],
    ["JSON of another shape", Buffer.from(JSON.stringify({ a: 1 })).toString("base64url")],
    ["a cursor for another order", cursor(["m:asc"], [1], "b1")],
    ["a cursor with too few values", cursor(["n:asc"], [], "b1")],
    ["an id that is a path", cursor(["n:asc"], [1], "b1/history/h1")],
  ])("refuses a cursor that is %s with invalid-argument", (_label, startAfter) => {
    const p = prepareQuery({ orderBy: [{ field: "n" }], startAfter });
    expect(() => buildQuery(db.collection("tenants/t1/budgets"), p)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  it("spells out the order, id last, and asks for one document more than the limit, to know whether a next page exists", () => {
    const col = db.collection("tenants/t1/budgets");
    const built = buildQuery(col, prepareQuery({ where: [["team", "==", "web"], ["n", ">", 1]], limit: 50 }));
    const expected = col.where("team", "==", "web").where("n", ">", 1).orderBy("n").orderBy(FieldPath.documentId()).limit(51);
    expect(built.isEqual(expected)).toBe(true);
    expect(built.isEqual(expected.limit(50))).toBe(false);
  });
});
