import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { http } from "@google-cloud/functions-framework";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryTrackingBus } from "#adapters/emulators/delivery-tracking-bus.js";
import { createLocalOidcSigner } from "#adapters/emulators/local-oidc.js";
import { type PushDelivery, startPushDelivery } from "#adapters/emulators/push-delivery.js";
import { type PubSubEmulator, startPubSubEmulator } from "#adapters/emulators/pubsub-emulator.js";
import { openPubSubClient } from "#adapters/pubsub/pubsub-client.js";
import { PubSubEventBus } from "#adapters/pubsub/pubsub-event-bus.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import { loadConfig } from "#foundation/config/load-config.js";
import { createAuditLog } from "#foundation/secops/audit-log.js";
import { replayDeadLetters } from "#foundation/selfops/dead-letter-replay.js";
import { listDeadLetters, type StoredDeadLetter } from "#foundation/selfops/dead-letter-store.js";
import { systemClock } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../fakes/memory-document-store.js";
import { repoRoot } from "../support/shared-data.js";

/**
 * A poison message on the official Pub/Sub emulator: its function fails every push, the
 * subscription's dead-letter policy forwards it to `<topic>.dead-letter` after the last attempt, and
 * the runtime's recorder subscription keeps it as a dead-letter record. A replay publishes it on
 * its topic again through the emulator, where the mended function takes it once.
 */
interface Push {
  deliveryAttempt: number;
  message: { messageId: string; data: string; attributes?: Record<string, string> };
}

const dir = mkdtempSync(join(tmpdir(), "dead-letter-recording-"));
const pushes: Push[] = [];
let mended = false;
http("probePoison", (req, res) => {
  pushes.push(req.body as Push);
  res.status(mended ? 204 : 500).end();
});

const documents = new MemoryDocumentStore();
let emu: PubSubEmulator;
let bus: DeliveryTrackingBus;
let delivery: PushDelivery;
let config: AppConfig;
let publishedId: string;
let record: StoredDeadLetter | undefined;

beforeAll(async () => {
  emu = await startPubSubEmulator(join(dir, "pubsub"));
  config = await loadConfig({ configDir: join(repoRoot, "config"), env: { COSTMON_ENV: "dev", COSTMON_PUBSUB_TOPIC_PREFIX: "dl-" } });
  bus = new DeliveryTrackingBus(new PubSubEventBus({ client: await openPubSubClient({ projectId: config.project.id, emulatorHost: emu.host }), topicPrefix: "dl-" }));
  delivery = await startPushDelivery({
    bus,
    config,
    pubsubHost: emu.host,
    signer: await createLocalOidcSigner(),
    functions: [{ name: "probePoison", topic: "poison-topic" }],
    documents,
  });
  publishedId = await bus.publish("poison-topic", { tenantId: "t1", n: 1 }, { tenantId: "t1" });
  await bus.drain();
  [record] = await listDeadLetters(documents);
}, 180_000);

afterAll(async () => {
  await delivery?.close();
  await bus?.close();
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("dead letters on the Pub/Sub emulator", () => {
  it("stops delivering a message its function always fails after the policy's last attempt", () => {
    expect(pushes.map((p) => p.deliveryAttempt)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(pushes.map((p) => p.message.messageId))).toEqual(new Set([publishedId]));
  });

  it("keeps what the dead-letter topic received as a record of the original topic, once", async () => {
    expect(await listDeadLetters(documents)).toHaveLength(1);
    expect(record).toMatchObject({
      topic: "poison-topic",
      tenantId: "t1",
      recordedBy: "pubsub",
      deliveryAttempts: 5,
      status: "dead-lettered",
      reason: expect.stringMatching(/^Pub\/Sub gave up after 5 delivery attempts on subscription /),
      attributes: { tenantId: "t1" },
    });
    expect(JSON.parse(record?.payload ?? "null")).toEqual({ tenantId: "t1", n: 1 });
  });

  it("replays the record through the emulator to the mended function, once", async () => {
    mended = true;
    const before = pushes.length;
    const report = await replayDeadLetters({ store: documents, bus, audit: createAuditLog(documents), clock: systemClock }, { actor: "cli:ops" });
    await bus.drain();
    expect(report.replayed).toHaveLength(1);
    const replayed = pushes.slice(before);
    expect(replayed).toHaveLength(1);
    expect(replayed[0]?.message.attributes).toMatchObject({ tenantId: "t1", costmonReplayOf: record?.messageId, costmonReplayCount: "1" });
    expect(JSON.parse(Buffer.from(replayed[0]?.message.data ?? "", "base64").toString("utf8"))).toEqual({ tenantId: "t1", n: 1 });
    expect(await listDeadLetters(documents)).toEqual([expect.objectContaining({ id: record?.id, status: "replayed", replayedBy: "cli:ops" })]);
  }, 60_000);
});
