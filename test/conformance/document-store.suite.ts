import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DocumentData, DocumentStore, ListQuery } from "#kernel/ports.js";

/**
 * One behaviour for every DocumentStore: the memory fake, DuckDB, and Firestore (emulator).
 * Each test gets a fresh store from `makeStore` and its own path namespace, so the suite also
 * runs against a shared backend such as the Firestore emulator.
 */
export function describeDocumentStoreConformance(name: string, makeStore: () => Promise<DocumentStore>): void {
  describe(`DocumentStore conformance: ${name}`, () => {
    let store: DocumentStore;
    let ns: string;
    /** A tenant's collection inside this test's namespace. */
    const col = (tenant: string, c: string) => `tenants/${ns}-${tenant}/${c}`;
    const ids = (page: { docs: { id: string }[] }) => page.docs.map((d) => d.id);

    beforeEach(async () => {
      store = await makeStore();
      ns = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    });
    afterEach(async () => {
      await store.close();
    });

    describe("single documents", () => {
      it("returns null for an absent document and the data after set", async () => {
        // Prepare
        const path = `${col("a", "budgets")}/b1`;
        const data = { name: "ops", amount: "100.50", n: 3, on: true, none: null, tags: ["x", "y"], nested: { k: 1 } };
        // Act
        const before = await store.get(path);
        await store.set(path, data);
        const after = await store.get(path);
        // Assess
        expect(before).toBeNull();
        expect(after).toEqual(data);
      });

      it("stores a copy: mutating the caller's object or the returned object changes nothing", async () => {
        const path = `${col("a", "budgets")}/b1`;
        const data: DocumentData = { list: [1], nested: { k: 1 } };
        await store.set(path, data);
        (data.list as number[]).push(2);
        const read = await store.get<{ list: number[] }>(path);
        read?.list.push(3);
        expect(await store.get(path)).toEqual({ list: [1], nested: { k: 1 } });
      });

      it("set replaces the document; set with merge shallow-merges top-level fields", async () => {
        const path = `${col("a", "budgets")}/b1`;
        await store.set(path, { a: 1, b: 2, nested: { x: 1, y: 2 } });
        await store.set(path, { b: 3, nested: { x: 9 } }, { merge: true });
        const merged = await store.get(path);
        await store.set(path, { c: 4 });
        const replaced = await store.get(path);
        expect(merged).toEqual({ a: 1, b: 3, nested: { x: 9 } });
        expect(replaced).toEqual({ c: 4 });
      });

      it("set with merge on an absent document creates it", async () => {
        const path = `${col("a", "budgets")}/new`;
        await store.set(path, { a: 1 }, { merge: true });
        expect(await store.get(path)).toEqual({ a: 1 });
      });

      it("create returns true once, then false and leaves the document unchanged", async () => {
        const path = `${col("a", "leases")}/nightly`;
        const first = await store.create(path, { owner: "one" });
        const second = await store.create(path, { owner: "two" });
        expect([first, second]).toEqual([true, false]);
        expect(await store.get(path)).toEqual({ owner: "one" });
      });

      it("10 concurrent creates of one path: exactly one returns true", async () => {
        const path = `${col("a", "leases")}/race`;
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.create(path, { owner: i })));
        const winners = results.flatMap((r, i) => (r ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(await store.get(path)).toEqual({ owner: winners[0] });
      });

      it("delete removes the document; deleting an absent one is not an error", async () => {
        const path = `${col("a", "budgets")}/b1`;
        await store.set(path, { a: 1 });
        await store.delete(path);
        await store.delete(path);
        expect(await store.get(path)).toBeNull();
      });

      it("update sees null for an absent document, writes the result and returns it", async () => {
        const path = `${col("a", "counters")}/c`;
        const seen: unknown[] = [];
        const result = await store.update<{ n: number }>(path, (cur) => {
          seen.push(cur);
          return { n: (cur?.n ?? 0) + 1 };
        });
        expect(seen.at(-1)).toBeNull();
        expect(result).toEqual({ n: 1 });
        expect(await store.get(path)).toEqual({ n: 1 });
      });

      it("update returning null deletes the document", async () => {
        const path = `${col("a", "counters")}/c`;
        await store.set(path, { n: 1 });
        const result = await store.update(path, () => null);
        expect(result).toBeNull();
        expect(await store.get(path)).toBeNull();
      });

      it("100 concurrent increments through update end at exactly 100", async () => {
        const path = `${col("a", "counters")}/hot`;
        await Promise.all(
          Array.from({ length: 100 }, () => store.update<{ n: number }>(path, (cur) => ({ n: (cur?.n ?? 0) + 1 }))),
        );
        expect(await store.get(path)).toEqual({ n: 100 });
      });

      it.each([
        ["odd number of segments", "tenants"],
        ["three segments", "tenants/t1/budgets"],
        ["empty segment", "tenants//budgets/b1"],
        ["empty path", ""],
      ])("rejects a bad document path (%s)", async (_label, path) => {
        await expect(store.get(path)).rejects.toThrow();
        await expect(store.set(path, { a: 1 })).rejects.toThrow();
      });

      it("rejects a bad collection path", async () => {
        await expect(store.list("tenants/t1")).rejects.toThrow();
      });
    });

    describe("setMany", () => {
      it("writes several paths in one call, with and without merge", async () => {
        // Prepare
        const a = `${col("a", "budgets")}/b1`;
        const b = `${col("a", "budgets")}/b2`;
        const c = `${col("a", "forecasts")}/total`;
        const d = `${col("b", "anomalies")}/x1`;
        await store.set(a, { a: 1, b: 2, nested: { x: 1, y: 2 } });
        await store.set(b, { old: true });
        // Act
        await store.setMany([
          { path: a, data: { b: 3, nested: { x: 9 } }, merge: true },
          { path: b, data: { fresh: 1 } },
          { path: c, data: { points: [1, 2] }, merge: false },
          { path: d, data: { status: "open" }, merge: true },
        ]);
        // Assess
        expect(await store.get(a)).toEqual({ a: 1, b: 3, nested: { x: 9 } });
        expect(await store.get(b)).toEqual({ fresh: 1 });
        expect(await store.get(c)).toEqual({ points: [1, 2] });
        expect(await store.get(d)).toEqual({ status: "open" });
        expect(ids(await store.list(col("a", "budgets")))).toEqual(["b1", "b2"]);
      });

      it("applies the list in order: a later write to a path sees the earlier ones", async () => {
        const path = `${col("a", "budgets")}/b1`;
        await store.set(path, { stale: true });
        await store.setMany([
          { path, data: { a: 1 } },
          { path, data: { b: 2 }, merge: true },
          { path, data: { a: 3 }, merge: true },
        ]);
        const merged = await store.get(path);
        await store.setMany([
          { path, data: { c: 1 }, merge: true },
          { path, data: { d: 4 } },
        ]);
        expect(merged).toEqual({ a: 3, b: 2 });
        expect(await store.get(path)).toEqual({ d: 4 });
      });

      it("an empty list is a no-op", async () => {
        const path = `${col("a", "budgets")}/b1`;
        await store.set(path, { a: 1 });
        await store.setMany([]);
        expect(await store.get(path)).toEqual({ a: 1 });
      });

      it("stores copies: mutating the caller's objects afterwards changes nothing", async () => {
        const path = `${col("a", "budgets")}/b1`;
        const data: DocumentData = { list: [1], nested: { k: 1 } };
        await store.setMany([{ path, data }]);
        (data.list as number[]).push(2);
        (data.nested as { k: number }).k = 2;
        expect(await store.get(path)).toEqual({ list: [1], nested: { k: 1 } });
      });

      it.each<[string, (path: string) => { path: string; data: DocumentData; merge?: boolean }]>([
        ["a collection path", () => ({ path: col("a", "budgets"), data: { a: 1 } })],
        ["an empty segment", () => ({ path: `${col("a", "budgets")}//b9`, data: { a: 1 } })],
        ["an empty path", () => ({ path: "", data: { a: 1 } })],
        ["data that is an array", (path) => ({ path, data: [1, 2] as unknown as DocumentData })],
        ["data that is null", (path) => ({ path, data: null as unknown as DocumentData, merge: true })],
      ])("rejects a batch holding %s and writes none of it", async (_label, bad) => {
        const first = `${col("a", "budgets")}/b1`;
        const last = `${col("a", "budgets")}/b2`;
        await store.set(first, { keep: true });
        await expect(
          store.setMany([{ path: first, data: { changed: true } }, bad(`${col("a", "budgets")}/b3`), { path: last, data: { a: 1 } }]),
        ).rejects.toThrow();
        expect(await store.get(first)).toEqual({ keep: true });
        expect(await store.get(last)).toBeNull();
        expect(ids(await store.list(col("a", "budgets")))).toEqual(["b1"]);
      });
    });

    describe("updateWithWrites", () => {
      type Head = { seq: number };

      it("writes the document and the other documents together, and returns the document", async () => {
        // Prepare
        const head = `${col("a", "heads")}/h`;
        const rec = (n: number) => `${col("a", "records")}/r${n}`;
        await store.set(head, { seq: 1 });
        await store.set(rec(9), { keep: 1, drop: 1 });
        // Act
        const result = await store.updateWithWrites<Head>(head, (cur) => ({
          data: { seq: (cur?.seq ?? 0) + 1 },
          writes: [
            { path: rec(2), data: { seq: 2 } },
            { path: rec(9), data: { drop: 2 }, merge: true },
          ],
        }));
        // Assess
        expect(result).toEqual({ seq: 2 });
        expect(await store.get(head)).toEqual({ seq: 2 });
        expect(await store.get(rec(2))).toEqual({ seq: 2 });
        expect(await store.get(rec(9))).toEqual({ keep: 1, drop: 2 });
      });

      it("returning null data deletes the document and still writes the others", async () => {
        const head = `${col("a", "heads")}/h`;
        const other = `${col("a", "records")}/r1`;
        await store.set(head, { seq: 1 });
        const result = await store.updateWithWrites(head, () => ({ data: null, writes: [{ path: other, data: { gone: true } }] }));
        expect(result).toBeNull();
        expect(await store.get(head)).toBeNull();
        expect(await store.get(other)).toEqual({ gone: true });
      });

      it.each<[string, (head: string) => { path: string; data: DocumentData }]>([
        ["a write to a collection path", () => ({ path: col("a", "records"), data: { a: 1 } })],
        ["a write whose data is an array", () => ({ path: `${col("a", "records")}/bad`, data: [1] as unknown as DocumentData })],
        ["a write to the updated document itself", (head) => ({ path: head, data: { seq: 99 } })],
      ])("refuses %s and writes nothing, not even the document", async (_label, bad) => {
        const head = `${col("a", "heads")}/h`;
        const good = `${col("a", "records")}/r1`;
        await store.set(head, { seq: 1 });
        await expect(
          store.updateWithWrites<Head>(head, () => ({ data: { seq: 2 }, writes: [{ path: good, data: { a: 1 } }, bad(head)] })),
        ).rejects.toMatchObject({ code: "invalid-argument" });
        expect(await store.get(head)).toEqual({ seq: 1 });
        expect(await store.get(good)).toBeNull();
      });

      it("an error thrown by fn reaches the caller and writes nothing", async () => {
        const head = `${col("a", "heads")}/h`;
        const boom = new Error("caller's own error");
        await expect(store.updateWithWrites(head, () => { throw boom; })).rejects.toBe(boom);
        expect(await store.get(head)).toBeNull();
      });

      it("20 concurrent appends each get their own seq and their own record: no lost or doubled record", async () => {
        // Prepare
        const head = `${col("a", "heads")}/hot`;
        // Act
        const seqs = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.updateWithWrites<Head>(head, (cur) => {
              const seq = (cur?.seq ?? 0) + 1;
              return { data: { seq }, writes: [{ path: `${col("a", "records")}/${String(seq).padStart(3, "0")}`, data: { seq, by: i } }] };
            }),
          ),
        );
        const records = await store.list<{ seq: number }>(col("a", "records"));
        // Assess
        expect(seqs.map((h) => h?.seq).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(records.docs.map((d) => d.data.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await store.get(head)).toEqual({ seq: 20 });
      });
    });

    describe("list", () => {
      /** Ten budgets in tenant a with mixed fields, two in tenant b, one in a subcollection. */
      async function seed(): Promise<void> {
        const a = col("a", "budgets");
        const rows: [string, DocumentData][] = [
          ["b00", { n: 5, team: "web", labels: ["prod", "eu"], status: "open" }],
          ["b01", { n: 3, team: "data", labels: ["dev"], status: "open" }],
          ["b02", { n: 8, team: "web", labels: ["prod"], status: "closed" }],
          ["b03", { n: 1, team: "ml", labels: [], status: "open" }],
          ["b04", { n: 3, team: "web", status: "open" }],
          ["b05", { n: "7", team: "data", labels: ["prod"], status: "open" }],
          ["b06", { team: "ml", labels: ["eu"], status: "closed" }],
          ["b07", { n: null, team: "web", status: "open" }],
          ["b08", { n: 9, team: "data", labels: ["prod", "us"], status: "closed" }],
          ["b09", { n: 3, team: "ml", labels: ["us"], status: "open" }],
        ];
        for (const [id, data] of rows) await store.set(`${a}/${id}`, data);
        await store.set(`${col("b", "budgets")}/b00`, { n: 100, team: "web", status: "open" });
        await store.set(`${col("b", "budgets")}/x01`, { n: 101, team: "web", status: "open" });
        await store.set(`${a}/b00/history/h1`, { n: 1000, team: "web" });
        await store.set(`${col("a", "anomalies")}/b10`, { n: 2, team: "web" });
      }

      it("lists only the direct children of the collection, ordered by id", async () => {
        await seed();
        const page = await store.list(col("a", "budgets"));
        expect(ids(page)).toEqual(["b00", "b01", "b02", "b03", "b04", "b05", "b06", "b07", "b08", "b09"]);
        expect(page.next).toBeUndefined();
        expect(page.docs[0]?.path).toBe(`${col("a", "budgets")}/b00`);
        expect(page.docs[0]?.data).toEqual({ n: 5, team: "web", labels: ["prod", "eu"], status: "open" });
      });

      it("tenant scoping: tenant a's collection never shows tenant b's documents", async () => {
        await seed();
        const a = await store.list(col("a", "budgets"), { where: [["team", "==", "web"]] });
        const b = await store.list(col("b", "budgets"));
        expect(ids(a)).toEqual(["b00", "b02", "b04", "b07"]);
        expect(ids(b)).toEqual(["b00", "x01"]);
        expect(b.docs.every((d) => d.path.startsWith(col("b", "budgets")))).toBe(true);
      });

      it("an empty or absent collection lists nothing", async () => {
        const page = await store.list(col("z", "nothing"));
        expect(page).toEqual({ docs: [] });
      });

      it.each<[string, ListQuery["where"], string[]]>([
        ["== string", [["team", "==", "ml"]], ["b03", "b06", "b09"]],
        ["== number (no string match)", [["n", "==", 3]], ["b01", "b04", "b09"]],
        ["== null matches explicit null only", [["n", "==", null]], ["b07"]],
        // Firestore: != skips documents without the field and with null.
        ["!= number", [["n", "!=", 3]], ["b03", "b00", "b02", "b08", "b05"]],
        // Range filters match only the value's type: "7" (string) and null are out.
        ["> number", [["n", ">", 3]], ["b00", "b02", "b08"]],
        [">= number", [["n", ">=", 3]], ["b01", "b04", "b09", "b00", "b02", "b08"]],
        ["< number", [["n", "<", 3]], ["b03"]],
        ["<= number", [["n", "<=", 3]], ["b03", "b01", "b04", "b09"]],
        ["> string", [["n", ">", "0"]], ["b05"]],
        ["in", [["team", "in", ["ml", "data"]]], ["b01", "b03", "b05", "b06", "b08", "b09"]],
        ["in mixed types", [["n", "in", [3, "7"]]], ["b01", "b04", "b05", "b09"]],
        ["array-contains", [["labels", "array-contains", "prod"]], ["b00", "b02", "b05", "b08"]],
        [
          "two filters",
          [
            ["team", "==", "web"],
            ["status", "==", "open"],
          ],
          ["b00", "b04", "b07"],
        ],
        [
          "range and equality",
          [
            ["status", "==", "open"],
            ["n", ">=", 3],
          ],
          ["b01", "b04", "b09", "b00"],
        ],
      ])("where %s", async (_label, where, expected) => {
        await seed();
        const page = await store.list(col("a", "budgets"), { where });
        expect(ids(page)).toEqual(expected);
      });

      it("orderBy excludes documents without the field and breaks ties by id", async () => {
        await seed();
        const asc = await store.list(col("a", "budgets"), { orderBy: [{ field: "n" }] });
        const desc = await store.list(col("a", "budgets"), { orderBy: [{ field: "n", direction: "desc" }] });
        // Firestore's type order: null < numbers < strings. b06 has no n and is left out.
        expect(ids(asc)).toEqual(["b07", "b03", "b01", "b04", "b09", "b00", "b02", "b08", "b05"]);
        expect(ids(desc)).toEqual(["b05", "b08", "b02", "b00", "b09", "b04", "b01", "b03", "b07"]);
      });

      it("orderBy on several fields", async () => {
        await seed();
        const page = await store.list(col("a", "budgets"), {
          where: [["status", "==", "open"]],
          orderBy: [{ field: "team" }, { field: "n", direction: "desc" }],
        });
        expect(ids(page)).toEqual(["b05", "b01", "b09", "b03", "b00", "b04", "b07"]);
      });

      it("limit returns the first documents and a cursor when more remain", async () => {
        await seed();
        const page = await store.list(col("a", "budgets"), { limit: 4 });
        expect(ids(page)).toEqual(["b00", "b01", "b02", "b03"]);
        expect(page.next).toEqual(expect.any(String));
      });

      it.each<[string, ListQuery]>([
        ["by id", {}],
        ["by n desc", { orderBy: [{ field: "n", direction: "desc" }] }],
        ["filtered by team, by n", { where: [["team", "in", ["web", "ml"]]], orderBy: [{ field: "n" }] }],
        ["range filter", { where: [["n", ">=", 3]] }],
      ])("cursor paging (%s) visits each document once, in order, then stops", async (_label, query) => {
        await seed();
        const all = ids(await store.list(col("a", "budgets"), query));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list(col("a", "budgets"), { ...query, limit: 3, startAfter: cursor });
          seen.push(...ids(page));
          cursor = page.next;
          pages++;
        } while (cursor !== undefined && pages < 20);
        expect(seen).toEqual(all);
        expect(pages).toBe(Math.max(1, Math.ceil(all.length / 3)));
      });

      it("a cursor is a position: documents added before it do not shift the next page", async () => {
        await seed();
        const q: ListQuery = { orderBy: [{ field: "n" }], where: [["n", ">=", 0]], limit: 3 };
        const first = await store.list(col("a", "budgets"), q);
        await store.set(`${col("a", "budgets")}/a-early`, { n: 0 });
        const second = await store.list(col("a", "budgets"), { ...q, startAfter: first.next });
        expect(ids(first)).toEqual(["b03", "b01", "b04"]);
        expect(ids(second)).toEqual(["b09", "b00", "b02"]);
      });

      it("a range filter without orderBy orders by the filtered field", async () => {
        await seed();
        const page = await store.list(col("a", "budgets"), { where: [["n", ">", 1]] });
        expect(ids(page)).toEqual(["b01", "b04", "b09", "b00", "b02", "b08"]);
      });

      it.each<[string, ListQuery]>([
        ["in with 31 values", { where: [["team", "in", Array.from({ length: 31 }, (_, i) => `t${i}`)]] }],
        ["in with no values", { where: [["team", "in", []]] }],
        ["in with a non-array", { where: [["team", "in", "web"]] }],
        ["negative limit", { limit: -1 }],
        ["fractional limit", { limit: 1.5 }],
        ["a cursor that is not one", { startAfter: "not-a-cursor" }],
      ])("rejects an invalid query (%s)", async (_label, query) => {
        await seed();
        await expect(store.list(col("a", "budgets"), query)).rejects.toThrow();
      });

      it("in accepts 30 values", async () => {
        await seed();
        const values = [...Array.from({ length: 29 }, (_, i) => `t${i}`), "ml"];
        const page = await store.list(col("a", "budgets"), { where: [["team", "in", values]] });
        expect(ids(page)).toEqual(["b03", "b06", "b09"]);
      });
    });
  });
}
