import { beforeEach, describe, expect, it } from "vitest";
import { unavailable } from "#kernel/errors.js";
import type { DocumentStore } from "#kernel/ports.js";
import {
  type AuditEntry,
  GENESIS_HASH,
  createAuditLog,
  hashAuditRecord,
  tenantStream,
} from "#foundation/secops/audit-log.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { contendedStore } from "./contended-store.js";
import { FakeClock } from "./fake-clock.js";

const STREAM = tenantStream("t1");
const RECORDS = `audit_streams/${encodeURIComponent(STREAM)}/records`;
const idOf = (seq: number) => String(seq).padStart(12, "0");
const pathOf = (seq: number) => `${RECORDS}/${idOf(seq)}`;

function entry(i: number, stream = STREAM): AuditEntry {
  return {
    stream,
    tenantId: "t1",
    actor: `user-${i % 7}`,
    action: i % 2 ? "budgets.write" : "costs.read",
    resource: `tenants/t1/budgets/b${i}`,
    decision: i % 5 === 0 ? "deny" : "allow",
    outcome: i % 5 === 0 ? "failure" : "success",
    details: { i, note: "x" },
  };
}

describe("audit log", () => {
  let memory: MemoryDocumentStore;
  let store: ReturnType<typeof contendedStore>;
  let log: ReturnType<typeof createAuditLog>;

  beforeEach(async () => {
    memory = new MemoryDocumentStore();
    store = contendedStore(memory);
    log = createAuditLog(store, { clock: new FakeClock() });
  });

  async function append100Concurrently(): Promise<void> {
    await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(entry(i + 1))));
  }

  it("keeps one unforked chain under 100 concurrent appends", async () => {
    // Act
    const records = await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(entry(i + 1))));
    const result = await log.verifyAuditChain(STREAM);
    // Assess
    expect(result).toEqual({ ok: true, count: 100 });
    expect(new Set(records.map((r) => r.seq)).size).toBe(100);
    expect(Math.max(...records.map((r) => r.seq))).toBe(100);
    expect(store.retries()).toBeGreaterThan(0); // the contention was real
    const first = records.find((r) => r.seq === 1);
    expect(first?.prevHash).toBe(GENESIS_HASH);
  });

  it("links each record to its predecessor by SHA-256 over canonical JSON", async () => {
    const a = await log.append(entry(1));
    const b = await log.append(entry(2));

    expect(b.prevHash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditRecord(a)).toBe(a.hash);
    // Key order does not matter to the canonical form.
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(hashAuditRecord(reordered)).toBe(a.hash);
  });

  it("keeps streams independent", async () => {
    await log.append(entry(1, "platform"));
    await log.append(entry(2, STREAM));
    await log.append(entry(3, "platform"));

    expect(await log.verifyAuditChain("platform")).toEqual({ ok: true, count: 2 });
    expect(await log.verifyAuditChain(STREAM)).toEqual({ ok: true, count: 1 });
    expect(await log.verifyAuditChain("tenant:none")).toEqual({ ok: true, count: 0 });
  });

  type Tamper = (s: DocumentStore) => Promise<void>;
  const tampers: { name: string; tamper: Tamper; firstBadSeq: number; reason: RegExp }[] = [
    {
      name: "an edited field",
      tamper: async (s) => s.set(pathOf(37), { action: "costs.read-nothing-to-see" }, { merge: true }),
      firstBadSeq: 37,
      reason: /hash does not match/,
    },
    {
      name: "an edited decision with the record's own hash recomputed",
      tamper: async (s) => {
        const rec = (await s.get(pathOf(37))) as Record<string, unknown>;
        const forged = { ...rec, decision: rec.decision === "allow" ? "deny" : "allow" };
        await s.set(pathOf(37), { ...forged, hash: hashAuditRecord(forged as never) });
      },
      firstBadSeq: 38,
      reason: /prevHash/,
    },
    { name: "a deleted record", tamper: async (s) => s.delete(pathOf(50)), firstBadSeq: 50, reason: /missing/ },
    { name: "a deleted newest record", tamper: async (s) => s.delete(pathOf(100)), firstBadSeq: 100, reason: /deleted/ },
    {
      name: "two records swapped between their ids",
      tamper: async (s) => {
        const a = await s.get(pathOf(20));
        const b = await s.get(pathOf(21));
        await s.set(pathOf(20), b ?? {});
        await s.set(pathOf(21), a ?? {});
      },
      firstBadSeq: 20,
      reason: /moved/,
    },
    {
      name: "two records reordered by rewriting their seq",
      tamper: async (s) => {
        await s.set(pathOf(20), { seq: 21 }, { merge: true });
        await s.set(pathOf(21), { seq: 20 }, { merge: true });
      },
      firstBadSeq: 20,
      reason: /./,
    },
    {
      name: "a forged record appended without the head",
      tamper: async (s) => {
        const last = (await s.get(pathOf(100))) as Record<string, unknown>;
        const forged = { ...last, seq: 101, prevHash: last.hash, action: "forged" };
        await s.set(pathOf(101), { ...forged, hash: hashAuditRecord(forged as never) });
      },
      firstBadSeq: 101,
      reason: /inserted/,
    },
    {
      name: "an edited first record",
      tamper: async (s) => s.set(pathOf(1), { actor: "someone-else" }, { merge: true }),
      firstBadSeq: 1,
      reason: /hash/,
    },
  ];

  it.each(tampers)("pinpoints $name at seq $firstBadSeq", async ({ tamper, firstBadSeq, reason }) => {
    // Prepare
    await append100Concurrently();
    expect((await log.verifyAuditChain(STREAM)).ok).toBe(true);
    // Act
    await tamper(memory);
    const result = await log.verifyAuditChain(STREAM);
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.firstBadSeq).toBe(firstBadSeq);
    expect(result.reason).toMatch(reason);
    expect(result.count).toBe(firstBadSeq - 1);
  });

  it.each([
    { field: "actor", value: "" },
    { field: "decision", value: "maybe" },
    { field: "outcome", value: "partial" },
  ])("rejects an entry with a bad $field", async ({ field, value }) => {
    const bad = { ...entry(1), [field]: value } as AuditEntry;
    await expect(log.append(bad)).rejects.toThrow(field);
  });

  it("verifies a chain longer than one page of the store listing", async () => {
    for (let i = 1; i <= 620; i++) await log.append(entry(i));

    expect(await log.verifyAuditChain(STREAM)).toEqual({ ok: true, count: 620 });
  });

  it("a crash between writing the head and writing the record can no longer break the chain", async () => {
    // Prepare: a store that dies on the second write it is asked for, as an instance killed
    // between the two writes of an append that takes two
    const crashing = crashesOnSecondWrite(new MemoryDocumentStore());
    const audit = createAuditLog(crashing, { clock: new FakeClock() });
    // Act
    const outcomes: string[] = [];
    for (const i of [1, 2, 3]) outcomes.push(await audit.append(entry(i)).then(() => "appended", () => "failed"));
    const result = await audit.verifyAuditChain(STREAM);
    // Assess: the append that met the crash left nothing behind, the others form an intact chain
    expect(outcomes).toEqual(["appended", "failed", "appended"]);
    expect(result).toEqual({ ok: true, count: 2 });
  });
});

/** Wraps a store so that its second write call (of any kind) throws, as if the process died there. */
function crashesOnSecondWrite(inner: DocumentStore): DocumentStore {
  let writes = 0;
  const crash = () => {
    writes += 1;
    if (writes === 2) throw unavailable("instance crashed");
  };
  return {
    get: (p) => inner.get(p),
    list: (p, q) => inner.list(p, q),
    close: () => inner.close(),
    async set(p, d, o) {
      crash();
      await inner.set(p, d, o);
    },
    async setMany(w) {
      crash();
      await inner.setMany(w);
    },
    async create(p, d) {
      crash();
      return inner.create(p, d);
    },
    async delete(p) {
      crash();
      await inner.delete(p);
    },
    async update(p, fn) {
      crash();
      return inner.update(p, fn);
    },
    async updateWithWrites(p, fn) {
      crash();
      return inner.updateWithWrites(p, fn);
    },
  };
}
