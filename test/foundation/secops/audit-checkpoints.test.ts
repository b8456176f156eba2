import { generateKeyPairSync } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { type AuditEntry, type AuditRecord, createAuditLog, GENESIS_HASH, hashAuditRecord, tenantStream } from "#foundation/secops/audit-log.js";
import { signCheckpoint } from "#foundation/secops/audit-checkpoints.js";
import { AUDIT_SIGNING_KEY_SECRET, parseSigningKey } from "#foundation/secops/audit-signing-key.js";
import { paths } from "#kernel/document-paths.js";
import { unavailable } from "#kernel/errors.js";
import type { SecretStore } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { FakeClock } from "./fake-clock.js";

/**
 * The audit chain anchored by Ed25519 checkpoints (one every 32 records): an insider who can
 * write the document store, but not read the secret store, rewrites a suffix of the chain
 * consistently (records and head, every hash recomputed) and is caught.
 */
const STREAM = tenantStream("t1");

function entry(i: number): AuditEntry {
  return { stream: STREAM, tenantId: "t1", actor: `user-${i % 3}`, action: "write:budgets:upsertBudget", decision: i % 4 ? "allow" : "deny", outcome: "success" };
}

/** What the insider does: rewrites records `from`..`to` and the head so the hash chain links again. */
async function rewriteSuffix(store: MemoryDocumentStore, from: number, to: number): Promise<void> {
  let prevHash = from > 1 ? ((await store.get(paths.auditRecord(STREAM, from - 1))) as unknown as AuditRecord).hash : GENESIS_HASH;
  let last: AuditRecord | undefined;
  for (let seq = from; seq <= to; seq++) {
    const original = (await store.get(paths.auditRecord(STREAM, seq))) as unknown as AuditRecord;
    const forged = { ...original, actor: "nobody", decision: "allow" as const, prevHash };
    last = { ...forged, hash: hashAuditRecord(forged) };
    await store.set(paths.auditRecord(STREAM, seq), { ...last });
    prevHash = last.hash;
  }
  await store.set(paths.auditHead(STREAM), { seq: to, hash: prevHash, record: last });
}

describe("audit log with signed checkpoints", () => {
  let store: MemoryDocumentStore;
  let secrets: MemorySecretStore;
  let clock: FakeClock;

  beforeEach(() => {
    store = new MemoryDocumentStore();
    secrets = new MemorySecretStore();
    clock = new FakeClock();
  });

  async function append(n: number, log = createAuditLog(store, { clock, secrets })): Promise<void> {
    for (let i = 1; i <= n; i++) await log.append(entry(i));
  }

  it("an honest chain verifies; the key is created on first use and its public half published", async () => {
    // Prepare
    const log = createAuditLog(store, { clock, secrets });
    const before = await secrets.get(AUDIT_SIGNING_KEY_SECRET);
    // Act
    await append(100, log);
    const result = await log.verifyAuditChain(STREAM);
    // Assess
    const pem = await secrets.get(AUDIT_SIGNING_KEY_SECRET);
    if (pem === null) throw new Error("expected a signing key");
    const key = parseSigningKey(pem);
    const checkpoints = await store.list(paths.auditCheckpoints(STREAM));
    expect(before).toBeNull();
    expect(result).toEqual({ ok: true, count: 100, signedThrough: 96 });
    expect(checkpoints.docs.map((d) => d.data.seq)).toEqual([32, 64, 96]);
    expect(await store.get(paths.auditKey(key.keyId))).toMatchObject({ algorithm: "Ed25519", keyId: key.keyId, publicKeyPem: key.publicKeyPem });
    expect(JSON.stringify(await store.list(paths.auditCheckpoints(STREAM)))).not.toContain("PRIVATE KEY");
  });

  it("catches a consistent rewrite of a suffix that the hash chain alone lets through", async () => {
    // Prepare
    await append(100);
    // Act
    await rewriteSuffix(store, 70, 100);
    const chainOnly = await createAuditLog(store, { clock }).verifyAuditChain(STREAM);
    const anchored = await createAuditLog(store, { clock, secrets }).verifyAuditChain(STREAM);
    // Assess
    expect(chainOnly).toEqual({ ok: true, count: 100 });
    expect(anchored).toMatchObject({ ok: false, count: 64, firstBadSeq: 65, reason: expect.stringMatching(/does not match its signed checkpoint/) });
  });

  it("catches the rewrite when the insider also deletes the checkpoints it crosses", async () => {
    await append(100);
    await rewriteSuffix(store, 70, 100);
    await store.delete(paths.auditCheckpoint(STREAM, 96));

    const result = await createAuditLog(store, { clock, secrets }).verifyAuditChain(STREAM);

    expect(result).toMatchObject({ ok: false, firstBadSeq: 65, reason: expect.stringMatching(/no signed checkpoint at seq 96/) });
  });

  it("catches the rewrite when the insider deletes every checkpoint of the stream", async () => {
    await append(100);
    await rewriteSuffix(store, 10, 100);
    for (const seq of [32, 64, 96]) await store.delete(paths.auditCheckpoint(STREAM, seq));

    const result = await createAuditLog(store, { clock, secrets }).verifyAuditChain(STREAM);

    expect(result).toMatchObject({ ok: false, firstBadSeq: 1, reason: expect.stringMatching(/no signed checkpoint at seq 32/) });
  });

  it("catches checkpoints re-signed with the insider's own key, published in place of ours", async () => {
    // Prepare
    await append(100);
    await rewriteSuffix(store, 70, 100);
    const forger = parseSigningKey(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    // Act
    for (const seq of [32, 64, 96]) {
      const record = (await store.get(paths.auditRecord(STREAM, seq))) as unknown as AuditRecord;
      await store.set(paths.auditCheckpoint(STREAM, seq), signCheckpoint(forger, record));
    }
    await store.set(paths.auditKey(forger.keyId), { algorithm: "Ed25519", keyId: forger.keyId, publicKeyPem: forger.publicKeyPem });
    const result = await createAuditLog(store, { clock, secrets }).verifyAuditChain(STREAM);
    // Assess
    expect(result).toMatchObject({ ok: false, firstBadSeq: 1, reason: expect.stringMatching(/signed by key .* not by the audit signing key/) });
  });

  it("catches newest records deleted with the head moved back, while a checkpoint past them remains", async () => {
    await append(100);
    await rewriteSuffix(store, 90, 90);
    for (let seq = 91; seq <= 100; seq++) await store.delete(paths.auditRecord(STREAM, seq));

    const result = await createAuditLog(store, { clock, secrets }).verifyAuditChain(STREAM);

    expect(result).toMatchObject({ ok: false, firstBadSeq: 91, reason: expect.stringMatching(/past the chain's end/) });
  });

  it("a second instance signs with the same key, and both verify the stream", async () => {
    const a = createAuditLog(store, { clock, secrets });
    const b = createAuditLog(store, { clock, secrets });
    for (let i = 1; i <= 70; i++) await (i % 2 ? a : b).append(entry(i));

    const keyIds = new Set((await store.list(paths.auditCheckpoints(STREAM))).docs.map((d) => d.data.keyId));

    expect(keyIds.size).toBe(1);
    expect(await a.verifyAuditChain(STREAM)).toEqual({ ok: true, count: 70, signedThrough: 64 });
    expect(await b.verifyAuditChain(STREAM)).toEqual({ ok: true, count: 70, signedThrough: 64 });
  });

  it("an append that owes a checkpoint fails while the key cannot be read, and leaves the chain intact", async () => {
    // Prepare: a secret store that is down
    const down: SecretStore = {
      get: async () => {
        throw unavailable("secret store down");
      },
      put: async () => {
        throw unavailable("secret store down");
      },
      delete: async () => undefined,
    };
    const log = createAuditLog(store, { clock, secrets: down });
    // Act
    for (let i = 1; i <= 31; i++) await log.append(entry(i));
    const due = await log.append(entry(32)).then(
      () => "appended",
      (err: unknown) => err,
    );
    // Assess
    expect(due).toMatchObject({ code: "unavailable", retryable: true });
    expect(await createAuditLog(store, { clock }).verifyAuditChain(STREAM)).toEqual({ ok: true, count: 31 });
  });
});
