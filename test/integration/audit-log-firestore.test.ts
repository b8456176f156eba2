import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { type AuditRecord, createAuditLog, hashAuditRecord, tenantStream } from "#foundation/secops/audit-log.js";
import { paths } from "#kernel/document-paths.js";
import { MemorySecretStore } from "../fakes/memory-secret-store.js";
import { FakeClock } from "../foundation/secops/fake-clock.js";
import { type FirestoreEmulator, startFirestoreEmulator } from "./support/firestore-emulator.js";

/**
 * The audit log as two instances run it on Firestore (the official emulator, two clients): each
 * append is one transaction writing head, record and checkpoint; concurrent appends from both
 * instances form one chain signed with one key, and a consistent rewrite of its suffix is caught.
 */
const PROJECT = "demo-audit";

describe("audit log on Firestore", () => {
  let emu: FirestoreEmulator;
  const stores: FirestoreDocumentStore[] = [];

  beforeAll(async () => {
    emu = await startFirestoreEmulator();
  }, 90_000);

  afterAll(async () => {
    for (const s of stores) await s.close();
    await emu?.stop();
  });

  function client(): FirestoreDocumentStore {
    const store = new FirestoreDocumentStore({ projectId: PROJECT, emulatorHost: emu.host });
    stores.push(store);
    return store;
  }

  it("concurrent appends from two instances form one signed chain; a consistent rewrite of its suffix is caught", async () => {
    // Prepare: two instances sharing the documents and the secret store
    const stream = tenantStream(`t${Date.now().toString(36)}`);
    const secrets = new MemorySecretStore();
    const clock = new FakeClock();
    const [a, b] = [client(), client()];
    const logs = [createAuditLog(a, { clock, secrets }), createAuditLog(b, { clock, secrets })] as const;
    // Act
    await logs[0].append({ stream, tenantId: "t", actor: "first", action: "a", decision: "allow", outcome: "success" });
    await Promise.all(
      Array.from({ length: 39 }, (_, i) => logs[i % 2 === 0 ? 1 : 0].append({ stream, tenantId: "t", actor: `u${i}`, action: "a", decision: "allow", outcome: "success" })),
    );
    const honest = await logs[1].verifyAuditChain(stream);
    // The insider rewrites records 20..40 and the head, every hash recomputed.
    let prevHash = ((await a.get(paths.auditRecord(stream, 19))) as unknown as AuditRecord).hash;
    let last: AuditRecord | undefined;
    for (let seq = 20; seq <= 40; seq++) {
      const forged = { ...((await a.get(paths.auditRecord(stream, seq))) as unknown as AuditRecord), actor: "nobody", prevHash };
      last = { ...forged, hash: hashAuditRecord(forged) };
      await a.set(paths.auditRecord(stream, seq), { ...last });
      prevHash = last.hash;
    }
    await a.set(paths.auditHead(stream), { seq: 40, hash: prevHash, record: last });
    const rewritten = await logs[0].verifyAuditChain(stream);
    // Assess
    expect(honest).toEqual({ ok: true, count: 40, signedThrough: 32 });
    expect(rewritten).toMatchObject({ ok: false, firstBadSeq: 1, reason: expect.stringMatching(/does not match its signed checkpoint/) });
  });
});
