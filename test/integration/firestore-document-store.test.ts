import { Firestore, Timestamp } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { AppError } from "#kernel/errors.js";
import type { DocumentData, DocumentWrite, ListQuery } from "#kernel/ports.js";
import { describeDocumentStoreConformance } from "../conformance/document-store.suite.js";
import { type FirestoreEmulator, startFirestoreEmulator } from "./support/firestore-emulator.js";

/**
 * The Firestore adapter with the real firebase-admin client on the official Firestore emulator:
 * the DocumentStore conformance suite (each case in its own root prefix, which the suite makes),
 * then what only Firestore has: contention between clients, batches over 500 writes, cursors over
 * where + orderBy queries, Timestamps written by others, and its error statuses.
 */
const PROJECT = "demo-docstore";

let emu: FirestoreEmulator;
let shared: Firestore;
const extra: FirestoreDocumentStore[] = [];

beforeAll(async () => {
  emu = await startFirestoreEmulator();
  shared = new Firestore({ projectId: PROJECT, host: emu.host, ssl: false });
}, 90_000);

afterAll(async () => {
  for (const s of extra) await s.close();
  await shared?.terminate();
  await emu?.stop();
});

/** A store with its own client (and so its own connection), as another instance would have. */
function ownStore(tuning?: { maxTransactionAttempts?: number }): FirestoreDocumentStore {
  const s = new FirestoreDocumentStore({ projectId: PROJECT, emulatorHost: emu.host }, tuning);
  extra.push(s);
  return s;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

describeDocumentStoreConformance("FirestoreDocumentStore (emulator)", async () => new FirestoreDocumentStore(shared));

describe("FirestoreDocumentStore: what only Firestore has", () => {
  it("many concurrent increments from three clients (three instances) end exact", async () => {
    // Prepare
    const stores = [ownStore(), ownStore(), ownStore()];
    const path = `tenants/${unique()}/counters/hot`;
    let runs = 0;
    const inc = (cur: { n: number } | null) => {
      runs++;
      return { n: (cur?.n ?? 0) + 1 };
    };
    // Act
    await Promise.all(stores.flatMap((s) => Array.from({ length: 6 }, () => s.update<{ n: number }>(path, inc))));
    // Assess
    expect(await stores[0]?.get(path)).toEqual({ n: 18 });
    expect(runs).toBeGreaterThanOrEqual(18);
  });

  it("a transaction that loses to another client's and may not retry fails as aborted, retryable", async () => {
    // Prepare: one attempt only, and two clients racing on one document.
    const a = ownStore({ maxTransactionAttempts: 1 });
    const b = ownStore({ maxTransactionAttempts: 1 });
    const path = `tenants/${unique()}/counters/race`;
    await a.set(path, { n: 0 });
    const inc = (cur: { n: number } | null) => ({ n: (cur?.n ?? 0) + 1 });
    let won = 0;
    const lost: unknown[] = [];
    // Act: race until one loses (two reads that overlap make both commits wait on each other's
    // lock; the emulator then aborts one), a few rounds at most.
    for (let round = 0; round < 5 && lost.length === 0; round++) {
      const results = await Promise.allSettled([a.update<{ n: number }>(path, inc), b.update<{ n: number }>(path, inc)]);
      for (const r of results) {
        if (r.status === "fulfilled") won++;
        else lost.push(r.reason);
      }
    }
    // Assess: whatever won is counted exactly; whatever lost says it may be retried.
    expect(lost.length).toBeGreaterThan(0);
    for (const err of lost) {
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "aborted", retryable: true });
    }
    expect(await a.get(path)).toEqual({ n: won });
  });

  it("an update that returns what it read writes nothing (a lease held elsewhere costs no write)", async () => {
    // Prepare
    const path = `tenants/${unique()}/alert_deliveries/d1`;
    const store = new FirestoreDocumentStore(shared);
    await store.set(path, { status: "sending", leaseUntil: "2026-11-23T10:00:00.000Z" });
    const before = (await shared.doc(path).get()).updateTime;
    // Act
    const unchanged = await store.update(path, (cur) => cur);
    const afterUnchanged = (await shared.doc(path).get()).updateTime;
    await store.update<{ status: string }>(path, (cur) => (cur ? { ...cur, status: "sent" } : null));
    const afterChange = (await shared.doc(path).get()).updateTime;
    // Assess
    expect(unchanged).toEqual({ status: "sending", leaseUntil: "2026-11-23T10:00:00.000Z" });
    expect(afterUnchanged?.isEqual(before as NonNullable<typeof before>)).toBe(true);
    expect(afterChange?.isEqual(before as NonNullable<typeof before>)).toBe(false);
  });

  it("setMany of 1,201 writes (three batches) writes all, folds writes to one path, and merges across batches", async () => {
    // Prepare
    const col = `tenants/${unique()}/forecasts`;
    const writes: DocumentWrite[] = Array.from({ length: 1200 }, (_, i) => ({ path: `${col}/f${String(i).padStart(4, "0")}`, data: { i, part: "base" } }));
    writes.push({ path: `${col}/f0001`, data: { late: true }, merge: true });
    // Act
    await new FirestoreDocumentStore(shared).setMany(writes);
    // Assess
    const store = new FirestoreDocumentStore(shared);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list(col, { limit: 300, ...(cursor ? { startAfter: cursor } : {}) });
      all.push(...page.docs.map((d) => d.id));
      cursor = page.next;
    } while (cursor);
    expect(all).toHaveLength(1200);
    expect(await store.get(`${col}/f0001`)).toEqual({ i: 1, part: "base", late: true });
    expect(await store.get(`${col}/f1199`)).toEqual({ i: 1199, part: "base" });
  });

  it("setMany validates every write before the first batch: a value Firestore refuses at index 900 writes nothing", async () => {
    const col = `tenants/${unique()}/forecasts`;
    const writes: DocumentWrite[] = Array.from({ length: 1000 }, (_, i) => ({ path: `${col}/f${i}`, data: { i } }));
    writes[900] = { path: `${col}/f900`, data: { points: [[1, 2]] } };
    const store = new FirestoreDocumentStore(shared);

    await expect(store.setMany(writes)).rejects.toMatchObject({ code: "invalid-argument", message: expect.stringMatching(/index 900/) });

    expect((await store.list(col, { limit: 1 })).docs).toEqual([]);
  });

  it("a batch that Firestore refuses after the first one leaves the first written: not atomic beyond 500", async () => {
    // Prepare: the 501st write is a document over Firestore's 1 MiB limit, which only the server checks.
    const col = `tenants/${unique()}/forecasts`;
    const writes: DocumentWrite[] = Array.from({ length: 501 }, (_, i) => ({ path: `${col}/f${String(i).padStart(3, "0")}`, data: { i } }));
    writes[500] = { path: `${col}/f500`, data: { blob: "x".repeat(1_100_000) } };
    const store = new FirestoreDocumentStore(shared);
    // Act
    const failure = await store.setMany(writes).catch((err: unknown) => err);
    // Assess
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "invalid-argument", retryable: false });
    expect(await store.get(`${col}/f499`)).toEqual({ i: 499 });
    expect(await store.get(`${col}/f500`)).toBeNull();
  });

  it.each<[string, ListQuery]>([
    ["equality + range, ordered by the range field desc", { where: [["tenantId", "==", "t1"], ["createdAt", ">=", "2026-11-05"]], orderBy: [{ field: "createdAt", direction: "desc" }] }],
    ["in + orderBy on another field", { where: [["status", "in", ["pending", "sending"]]], orderBy: [{ field: "createdAt" }] }],
    ["equality + two range bounds (implicit order)", { where: [["tenantId", "==", "t2"], ["createdAt", ">=", "2026-11-03"], ["createdAt", "<", "2026-11-20"]] }],
  ])("cursor paging over a where + orderBy query (%s) visits each match once, in order", async (_label, query) => {
    // Prepare: 240 deliveries over 2 tenants, 3 statuses and 24 days, many sharing a createdAt.
    const col = `tenants/${unique()}/alert_deliveries`;
    const statuses = ["pending", "sending", "sent"];
    const rows: [string, DocumentData][] = Array.from({ length: 240 }, (_, i) => [
      `d${String((i * 7919) % 1000).padStart(3, "0")}`,
      { tenantId: `t${(i % 2) + 1}`, status: statuses[i % 3], createdAt: `2026-11-${String((i % 24) + 1).padStart(2, "0")}` },
    ]);
    const store = new FirestoreDocumentStore(shared);
    await store.setMany(rows.map(([id, data]) => ({ path: `${col}/${id}`, data })));
    // Act
    const whole = (await store.list(col, query)).docs.map((d) => d.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list(col, { ...query, limit: 17, ...(cursor ? { startAfter: cursor } : {}) });
      seen.push(...page.docs.map((d) => d.id));
      cursor = page.next;
      pages++;
    } while (cursor && pages < 100);
    // Assess: the same as the memory twin's answer, and paging neither repeats nor skips.
    const { MemoryDocumentStore } = await import("../fakes/memory-document-store.js");
    const twin = new MemoryDocumentStore();
    await twin.setMany(rows.map(([id, data]) => ({ path: `${col}/${id}`, data })));
    const expected = (await twin.list(col, query)).docs.map((d) => d.id);
    expect(whole.length).toBeGreaterThan(17);
    expect(whole).toEqual(expected);
    expect(seen).toEqual(whole);
    expect(pages).toBe(Math.ceil(whole.length / 17));
  });

  it("a cursor from one query is refused by another (invalid-argument)", async () => {
    const col = `tenants/${unique()}/budgets`;
    const store = new FirestoreDocumentStore(shared);
    await store.setMany(Array.from({ length: 5 }, (_, i) => ({ path: `${col}/b${i}`, data: { n: i } })));
    const first = await store.list(col, { orderBy: [{ field: "n" }], limit: 2 });

    const other = store.list(col, { orderBy: [{ field: "n", direction: "desc" }], limit: 2, startAfter: first.next });

    await expect(other).rejects.toMatchObject({ code: "invalid-argument" });
  });

  it("Timestamps written by another client come out as ISO strings and page exactly", async () => {
    // Prepare: documents written with the raw client, as a console edit or another tool would.
    const col = `tenants/${unique()}/sessions`;
    const base = Date.parse("2026-11-23T10:00:00.000Z");
    for (let i = 0; i < 5; i++) {
      await shared.doc(`${col}/s${i}`).set({ at: Timestamp.fromMillis(base + i * 1000), nested: { at: Timestamp.fromMillis(base) } });
    }
    const store = new FirestoreDocumentStore(shared);
    // Act
    const one = await store.get(`${col}/s0`);
    const first = await store.list(col, { orderBy: [{ field: "at" }], limit: 2 });
    const rest = await store.list(col, { orderBy: [{ field: "at" }], startAfter: first.next });
    // Assess
    expect(one).toEqual({ at: "2026-11-23T10:00:00.000Z", nested: { at: "2026-11-23T10:00:00.000Z" } });
    expect(first.docs.map((d) => d.id)).toEqual(["s0", "s1"]);
    expect(rest.docs.map((d) => d.id)).toEqual(["s2", "s3", "s4"]);
    expect(JSON.stringify(rest.docs.map((d) => d.data))).not.toMatch(/_seconds/);
  });

  it("stores plain JSON: undefined fields are dropped, Dates become ISO strings, dotted keys stay literal", async () => {
    const path = `tenants/${unique()}/budgets/b1`;
    const store = new FirestoreDocumentStore(shared);

    await store.set(path, { a: 1, gone: undefined, at: new Date("2026-01-02T03:04:05.000Z"), "x.y": 1, m: { k: 1, j: 2 } });
    await store.set(path, { "x.y": 2, m: { k: 9 } }, { merge: true });

    expect(await store.get(path)).toEqual({ a: 1, at: "2026-01-02T03:04:05.000Z", "x.y": 2, m: { k: 9 } });
  });

  it("a store built from options owns its client: close ends it and later calls fail as unavailable", async () => {
    const store = new FirestoreDocumentStore({ projectId: PROJECT, emulatorHost: emu.host, databaseId: "closing" });
    await store.set("tenants/t1/budgets/b1", { a: 1 });

    await store.close();

    await expect(store.get("tenants/t1/budgets/b1")).rejects.toMatchObject({ code: "unavailable", retryable: true });
    // The shared client of the default database never saw the named database's document.
    expect((await shared.doc("tenants/t1/budgets/b1").get()).exists).toBe(false);
  });

  it("a store given a client leaves it open on close", async () => {
    const store = new FirestoreDocumentStore(shared);
    await store.close();

    await expect(store.get("tenants/t1/budgets/b1")).rejects.toMatchObject({ code: "unavailable" });
    expect((await shared.doc(`tenants/${unique()}/budgets/b1`).get()).exists).toBe(false);
  });
});
