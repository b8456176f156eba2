import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { http } from "@google-cloud/functions-framework";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryTrackingBus } from "#adapters/emulators/delivery-tracking-bus.js";
import { createLocalOidcSigner, localCertificates, writeCertificates } from "#adapters/emulators/local-oidc.js";
import { PUSH_AUDIENCE, type PushDelivery, startPushDelivery } from "#adapters/emulators/push-delivery.js";
import { type PubSubEmulator, startPubSubEmulator } from "#adapters/emulators/pubsub-emulator.js";
import { openPubSubClient } from "#adapters/pubsub/pubsub-client.js";
import { PubSubEventBus } from "#adapters/pubsub/pubsub-event-bus.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import { loadConfig } from "#foundation/config/load-config.js";
import { googleOidcVerifier } from "#foundation/iam/google-oidc.js";
import { repoRoot } from "../support/shared-data.js";

/**
 * Push delivery on the official Pub/Sub emulator, with functions-framework servers standing in for
 * event functions: the token each push carries (checked by the deployed verifier against the
 * runtime's certificates), attempts numbered and redelivered on 5xx, the emulator's dead-letter
 * policy forwarding to the twin topic after the last attempt, and a drain that waits for all of it.
 */
interface Push {
  authorization: string;
  body: { deliveryAttempt: number; message: { messageId: string; data: string; attributes?: Record<string, string> } };
}

const dir = mkdtempSync(join(tmpdir(), "push-delivery-"));
const seen: Record<string, Push[]> = { probeOk: [], probeFails: [], probeFailsDead: [] };
const register = (name: string, status: number) =>
  http(name, (req, res) => {
    seen[name]?.push({ authorization: String(req.headers.authorization), body: req.body as Push["body"] });
    res.status(status).end();
  });
register("probeOk", 204);
register("probeFails", 500);
register("probeFailsDead", 204);

let emu: PubSubEmulator;
let bus: DeliveryTrackingBus;
let delivery: PushDelivery;
let config: AppConfig;
const certsFile = join(dir, "certs.json");
const published: Record<string, string> = {};

beforeAll(async () => {
  emu = await startPubSubEmulator(join(dir, "pubsub"));
  config = await loadConfig({ configDir: join(repoRoot, "config"), env: { COSTMON_ENV: "dev", COSTMON_PUBSUB_TOPIC_PREFIX: "probe-" } });
  const signer = await createLocalOidcSigner();
  await writeCertificates(certsFile, signer.certificates());
  bus = new DeliveryTrackingBus(new PubSubEventBus({ client: await openPubSubClient({ projectId: config.project.id, emulatorHost: emu.host }), topicPrefix: "probe-" }));
  delivery = await startPushDelivery({
    bus,
    config,
    pubsubHost: emu.host,
    signer,
    functions: [
      { name: "probeOk", topic: "ok-topic" },
      { name: "probeFails", topic: "fails-topic" },
      { name: "probeFailsDead", topic: "fails-topic.dead-letter" },
    ],
  });
  // Act (for every case below): one message to each topic, then wait for everything owed.
  published.ok = await bus.publish("ok-topic", { tenantId: "t1", n: 1 });
  published.fails = await bus.publish("fails-topic", { tenantId: "t1", n: 2 });
  await bus.drain();
}, 120_000);

afterAll(async () => {
  await delivery?.close();
  await bus?.close();
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("push delivery on the Pub/Sub emulator", () => {
  it("delivers as a push request with an OIDC token the deployed verifier accepts against the runtime's certificates", async () => {
    // Prepare
    const account = config.auth.oidc_service_accounts.map((a) => a.replaceAll("{project}", config.project.id)).find((a) => a.startsWith("pubsub-push@"));
    const verify = googleOidcVerifier({ audience: PUSH_AUDIENCE, allowedServiceAccounts: [account ?? ""], certs: localCertificates(certsFile) });
    const [push] = seen.probeOk ?? [];
    // Act
    const identity = await verify((push?.authorization ?? "").replace(/^Bearer /, ""));
    // Assess
    expect(seen.probeOk).toHaveLength(1);
    expect(identity.email).toBe(account);
    expect(push?.body.deliveryAttempt).toBe(1);
    expect(push?.body.message.messageId).toBe(published.ok);
    expect(JSON.parse(Buffer.from(push?.body.message.data ?? "", "base64").toString("utf8"))).toEqual({ tenantId: "t1", n: 1 });
    expect(push?.body.message.attributes).toMatchObject({ tenantId: "t1" });
  });

  it("redelivers a failing message with numbered attempts up to the dead-letter policy's last", () => {
    expect(seen.probeFails?.map((p) => p.body.deliveryAttempt)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(seen.probeFails?.map((p) => p.body.message.messageId))).toEqual(new Set([published.fails]));
  });

  it("then the emulator forwards it to the dead-letter twin, whose function gets it once, and drain waited for that", () => {
    const [dead] = seen.probeFailsDead ?? [];
    expect(seen.probeFailsDead).toHaveLength(1);
    expect(JSON.parse(Buffer.from(dead?.body.message.data ?? "", "base64").toString("utf8"))).toEqual({ tenantId: "t1", n: 2 });
    expect(dead?.body.message.attributes).toMatchObject({ tenantId: "t1", CloudPubSubDeadLetterSourceDeliveryCount: "5" });
    expect(bus.ledger.isIdle()).toBe(true);
  });

  it("keeps what is dead-lettered to a twin no function reads", async () => {
    // Prepare
    const admin = await openPubSubClient({ projectId: config.project.id, emulatorHost: emu.host });
    // Act
    const [exists] = await admin.subscription("probe-ok-topic.dead-letter.retained").exists();
    await admin.close();
    // Assess
    expect(exists).toBe(true);
  });
});

describe("push delivery to functions served by their own processes (functionUrls)", () => {
  it("pushes each message to the URL given for its function, with the token, and starts no server of its own", async () => {
    // Prepare: a plain HTTP server stands in for an instance in another process.
    const got: { authorization: string; data: unknown }[] = [];
    const instance = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Push["body"];
        got.push({ authorization: String(req.headers.authorization), data: JSON.parse(Buffer.from(body.message.data, "base64").toString("utf8")) });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => instance.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(instance.address() as AddressInfo).port}/`;
    const ownBus = new DeliveryTrackingBus(new PubSubEventBus({ client: await openPubSubClient({ projectId: config.project.id, emulatorHost: emu.host }), topicPrefix: "probe-" }));
    const own = await startPushDelivery({
      bus: ownBus,
      config,
      pubsubHost: emu.host,
      signer: await createLocalOidcSigner(),
      functions: [{ name: "probeElsewhere", topic: "elsewhere-topic" }],
      functionUrls: new Map([["probeElsewhere", url]]),
    });
    try {
      // Act
      await ownBus.publish("elsewhere-topic", { tenantId: "t1", n: 3 });
      await ownBus.drain();
    } finally {
      await own.close();
      await ownBus.close();
    }

    // Assess: delivered once, signed; closing the delivery left the caller's server running.
    expect(got).toEqual([{ authorization: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/), data: { tenantId: "t1", n: 3 } }]);
    expect(instance.listening).toBe(true);
    await new Promise<void>((r) => instance.close(() => r()));
  });

  it("refuses to start when a function has no URL", async () => {
    await expect(
      startPushDelivery({
        bus,
        config,
        pubsubHost: emu.host,
        signer: await createLocalOidcSigner(),
        functions: [{ name: "probeNowhere", topic: "nowhere-topic" }],
        functionUrls: new Map([["probeElsewhere", "http://127.0.0.1:9/"]]),
      }),
    ).rejects.toMatchObject({ code: "failed-precondition", message: "no URL given for probeNowhere" });
  });
});
