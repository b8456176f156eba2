import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventOutcome } from "#foundation/pipeline/event-stack.js";
import { type AuditRecord, PLATFORM_STREAM, tenantStream } from "#foundation/secops/audit-log.js";
import { replayDeadLetters } from "#foundation/selfops/dead-letter-replay.js";
import { listDeadLetters, type StoredDeadLetter } from "#foundation/selfops/dead-letter-store.js";
import { paths } from "#kernel/document-paths.js";
import { listDeadLetterViews, replayDeadLetterRecords } from "#cli/dead-letters/dead-letter-actions.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { subscribeEventFunctions } from "../../functions/src/local-subscriptions.js";
import { MemoryCostWarehouse } from "../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../fakes/memory-document-store.js";
import { MemorySecretStore } from "../fakes/memory-secret-store.js";
import { repoRoot } from "../support/shared-data.js";

/**
 * Poison messages on the nightly's topics, through the deployed event functions on the local bus:
 * a message that does not fit its topic's schema and a page of a tenant the store does not know.
 * Each is kept as a dead letter with its reason after one delivery, `list` shows it, and `replay`
 * publishes it again, audited; the replay of the page succeeds once the tenant exists, the replay of
 * the malformed message fails again and becomes a dead letter of its own that nothing replays.
 */
describe("dead letters of the nightly on the local runtime", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "dead-letters-"));
  const documents = new MemoryDocumentStore();
  const warehouse = new MemoryCostWarehouse();
  const runDate = "2026-11-20";
  const page = { tenantId: "acme-retail", accountId: "acme-aws-prod", provider: "aws", runDate, page: { start: "2026-11-16", end: "2026-11-19" } };
  /** Every delivery the event functions settled, as `<function>:<outcome>`. */
  const deliveries: string[] = [];
  let bad: StoredDeadLetter;
  let ghost: StoredDeadLetter;

  const count = (entry: string) => deliveries.filter((d) => d === entry).length;
  const onlyRecord = async (topic: string): Promise<StoredDeadLetter> => {
    const [r, ...more] = await listDeadLetters(documents, { topic });
    if (!r || more.length > 0) throw new Error(`expected one dead letter on ${topic}, found ${more.length + (r ? 1 : 0)}`);
    return r;
  };
  const auditOf = async (stream: string): Promise<AuditRecord[]> =>
    (await documents.list(paths.auditRecords(stream), { limit: 1000 })).docs.map((d) => d.data as unknown as AuditRecord);

  beforeAll(async () => {
    configureDeps({
      documents,
      warehouse,
      secrets: new MemorySecretStore(),
      configDir: join(repoRoot, "config"),
      logSink: () => {},
      consoleWrite: () => {},
      env: { COSTMON_ENV: "dev", COSTMON_DATA_DIR: dataDir, COSTMON_DEMO_TENANTS_FILE: join(repoRoot, "config/demo/tenants.yaml") },
    });
    const deps = await getDeps();
    await subscribeEventFunctions(deps.bus, (fn, outcome: EventOutcome | "failed") => {
      deliveries.push(`${fn.eventName}:${outcome}`);
    });
    await deps.bus.publish("nightly-collect", { runDate, tenantIds: "acme-retail" });
    await deps.bus.publish("collect-account", page);
    await deps.bus.drain();
    bad = await onlyRecord("nightly-collect");
    ghost = await onlyRecord("collect-account");
  }, 60_000);
  afterAll(async () => {
    await closeDeps();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps each poison message as a dead letter with its reason, after a single delivery", async () => {
    expect(bad).toMatchObject({
      tenantId: null,
      reason: expect.stringMatching(/^invalid input: tenantIds: .*expected array/),
      recordedBy: "handler",
      deliveryAttempts: 1,
      replays: 0,
      status: "dead-lettered",
    });
    expect(JSON.parse(bad.payload ?? "null")).toEqual({ runDate, tenantIds: "acme-retail" });
    expect(ghost).toMatchObject({
      tenantId: "acme-retail",
      reason: "cloud account acme-retail/acme-aws-prod does not exist",
      recordedBy: "handler",
      deliveryAttempts: 1,
      status: "dead-lettered",
    });
    expect(JSON.parse(ghost.payload ?? "null")).toEqual(page);
    // Refused once and acknowledged: no redelivery, however many attempts the bus allows.
    expect(count("fanOutCollection:rejected")).toBe(1);
    expect(count("collectAccount:rejected")).toBe(1);
    expect(deliveries.filter((d) => d.endsWith(":failed"))).toEqual([]);
    expect(await listDeadLetters(documents)).toHaveLength(2);
  });

  it("lists them without their data, filtered by topic and tenant", async () => {
    const deps = await getDeps();
    const all = await listDeadLetterViews(deps, {});
    expect(all.map((v) => v.topic).sort()).toEqual(["collect-account", "nightly-collect"]);
    expect(all.every((v) => !("payload" in v) && v.replayOf === null)).toBe(true);
    expect(await listDeadLetterViews(deps, { tenantId: "acme-retail" })).toEqual([expect.objectContaining({ id: ghost.id, messageId: ghost.messageId })]);
    expect(await listDeadLetterViews(deps, { topic: "nightly-collect" })).toEqual([expect.objectContaining({ id: bad.id, reason: bad.reason })]);
    expect(await listDeadLetterViews(deps, { topic: "alerts" })).toEqual([]);
  });

  describe("replay, once the tenant's account exists", () => {
    let outcome: Awaited<ReturnType<typeof replayDeadLetterRecords>>;

    beforeAll(async () => {
      await documents.set("tenants/acme-retail", { name: "Acme Retail" });
      await documents.set("tenants/acme-retail/cloud_accounts/acme-aws-prod", {
        provider: "aws",
        billingAccountId: "111122223333",
        subAccountId: "444455556666",
        environment: "prod",
        collector: "demo",
      });
      // The functions are subscribed already (beforeAll above): connecting again would deliver twice.
      outcome = await replayDeadLetterRecords(await getDeps(), {}, "cli:tester", async () => undefined);
    }, 60_000);

    it("republishes each record once and marks it replayed with the new message", async () => {
      expect(outcome.failed).toEqual([]);
      expect(outcome.skipped).toBe(0);
      expect(outcome.replayed.map((r) => r.id).sort()).toEqual([ghost.id, bad.id].sort());
      for (const original of [bad, ghost]) {
        const now = (await listDeadLetters(documents)).find((r) => r.id === original.id);
        const sent = outcome.replayed.find((r) => r.id === original.id)?.replayMessageId;
        expect(sent).toEqual(expect.any(String));
        expect(now).toMatchObject({ status: "replayed", replayedBy: "cli:tester", replayMessageId: sent, replayLeaseUntil: null });
      }
    });

    it("collects the page it replays: the account is active and its days are collected", async () => {
      expect(count("collectAccount:done")).toBe(1);
      expect(await documents.get("tenants/acme-retail/cloud_accounts/acme-aws-prod")).toMatchObject({ status: "active", lastCollectedThrough: "2026-11-19" });
      expect((await warehouse.days("acme-retail")).length).toBeGreaterThan(0);
      expect(outcome.failedAgain.some((v) => v.topic === "collect-account")).toBe(false);
    });

    it("turns a replay that fails again into a dead letter of its own, counted, and does not replay it by itself", async () => {
      const sent = outcome.replayed.find((r) => r.id === bad.id)?.replayMessageId;
      expect(outcome.failedAgain).toEqual([
        expect.objectContaining({ topic: "nightly-collect", messageId: sent, replayOf: bad.messageId, replays: 1, status: "dead-lettered", reason: bad.reason }),
      ]);
      // The original delivery and the one replay: nothing went round again.
      expect(count("fanOutCollection:rejected")).toBe(2);
      expect(await listDeadLetters(documents, { status: "dead-lettered" })).toEqual([expect.objectContaining({ messageId: sent })]);
    });

    it("audits each replay in the tenant's stream, or the platform's for a message without a tenant", async () => {
      const byTopic = (records: AuditRecord[], topic: string) => records.filter((r) => r.action === `selfops:replay-dead-letter:${topic}`);
      const forTenant = byTopic(await auditOf(tenantStream("acme-retail")), "collect-account");
      const forPlatform = byTopic(await auditOf(PLATFORM_STREAM), "nightly-collect");
      for (const [records, original] of [
        [forTenant, ghost],
        [forPlatform, bad],
      ] as const) {
        const sent = outcome.replayed.find((r) => r.id === original.id)?.replayMessageId;
        expect(records).toEqual([
          expect.objectContaining({
            actor: "cli:tester",
            resource: `dead_letters/${original.id}`,
            decision: "allow",
            outcome: "success",
            details: { messageId: original.messageId, replayMessageId: sent, replays: 1 },
          }),
        ]);
      }
      await expect((await getDeps()).audit.verifyAuditChain(PLATFORM_STREAM)).resolves.toMatchObject({ ok: true });
    });

    it("replays nothing twice: a second replay of the originals publishes nothing", async () => {
      const again = await replayDeadLetters(
        { store: documents, bus: (await getDeps()).bus, audit: (await getDeps()).audit, clock: { now: () => new Date() } },
        { actor: "cli:tester", ids: [bad.id, ghost.id] },
      );
      await (await getDeps()).bus.drain();
      expect(again).toEqual({ replayed: [], failed: [], skipped: 0 });
      expect(count("fanOutCollection:rejected")).toBe(2);
      expect(count("collectAccount:done")).toBe(1);
    });

    it("replays the replay's dead letter only when asked, counting the replays", async () => {
      const [second] = await listDeadLetters(documents, { status: "dead-lettered" });
      const next = await replayDeadLetterRecords(await getDeps(), { topic: "nightly-collect" }, "cli:tester", async () => undefined);
      expect(next.replayed.map((r) => r.id)).toEqual([second?.id]);
      expect(next.failedAgain).toEqual([expect.objectContaining({ replayOf: second?.messageId, replays: 2 })]);
      expect(count("fanOutCollection:rejected")).toBe(3);
    });
  });
});
