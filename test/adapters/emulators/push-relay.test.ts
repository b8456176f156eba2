import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DeliveryLedger } from "#adapters/emulators/delivery-ledger.js";
import { createLocalOidcSigner, type LocalOidcSigner } from "#adapters/emulators/local-oidc.js";
import { type PushRelay, startPushRelay } from "#adapters/emulators/push-relay.js";

/**
 * The relay between the Pub/Sub emulator and a function server, driven with push requests shaped
 * as the emulator sends them (checked against the emulator in test/integration/push-delivery.test.ts).
 */
interface Received {
  authorization: string | undefined;
  body: { message: { messageId: string; message_id?: string; data: string }; deliveryAttempt: number; subscription: string };
}

async function functionServer(status: () => number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      received.push({ authorization: req.headers.authorization, body: JSON.parse(text) });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received, server };
}

const envelope = (id: string, attributes: Record<string, string> = {}) => ({
  subscription: "projects/demo-test/subscriptions/collect-account.collectAccount",
  message: { data: Buffer.from('{"a":1}').toString("base64"), attributes, messageId: id, message_id: id, publishTime: "2026-11-20T00:00:00Z" },
});

describe("push relay", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  async function setup(status: () => number) {
    const fn = await functionServer(status);
    closers.push(() => new Promise<void>((r) => fn.server.close(() => r())));
    const signer: LocalOidcSigner = await createLocalOidcSigner();
    const ledger = new DeliveryLedger();
    ledger.route("collect-account", 1);
    ledger.route("collect-account.dead-letter", 1);
    const outcomes: string[] = [];
    const relay: PushRelay = await startPushRelay({
      targets: [
        {
          name: "collectAccount",
          topic: "collect-account",
          url: fn.url,
          serviceAccount: "pubsub-push@demo-test.iam.gserviceaccount.com",
          audience: "https://push.emulators.costmon.invalid",
          deadLetterTopic: "collect-account.dead-letter",
          maxDeliveryAttempts: 3,
        },
      ],
      signer,
      ledger,
      messageId: (id) => `run1-${id}`,
      observe: (name, outcome) => {
        outcomes.push(`${name}:${outcome}`);
      },
    });
    closers.push(() => relay.close());
    const push = (id: string) =>
      fetch(relay.endpoint("collectAccount"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(envelope(id)) });
    return { fn, ledger, relay, push, outcomes };
  }

  it("forwards the push with a bearer token, the mapped id and the attempt, and settles the ledger on 2xx", async () => {
    // Prepare
    const { fn, ledger, push, outcomes } = await setup(() => 204);
    ledger.publishStarted();
    ledger.publishEnded("collect-account", "1");
    // Act
    const res = await push("1");
    // Assess
    expect(res.status).toBe(204);
    expect(fn.received).toHaveLength(1);
    expect(fn.received[0]?.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(fn.received[0]?.body).toMatchObject({ deliveryAttempt: 1, message: { messageId: "run1-1", message_id: "run1-1", data: Buffer.from('{"a":1}').toString("base64") } });
    expect(ledger.isIdle()).toBe(true);
    expect(outcomes).toEqual(["collectAccount:acknowledged"]);
  });

  it("passes a failure back so that Pub/Sub redelivers, numbers the attempts, and gives up at the policy's last one", async () => {
    // Prepare
    const { fn, ledger, push, outcomes } = await setup(() => 500);
    ledger.publishStarted();
    ledger.publishEnded("collect-account", "2");
    // Act
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await push("2")).status);
    // Assess
    expect(statuses).toEqual([500, 500, 500]);
    expect(fn.received.map((r) => r.body.deliveryAttempt)).toEqual([1, 2, 3]);
    expect(outcomes).toEqual(["collectAccount:failed", "collectAccount:failed", "collectAccount:failed"]);
    // The source is given up on; its forward to the dead-letter topic (read by a function) is now owed.
    expect(ledger.describe()).toMatch(/^0 deliveries, 1 dead-letter forwards/);
  });

  it("counts an acknowledgement once when the emulator delivers an acknowledged message again", async () => {
    // Prepare
    const { ledger, push } = await setup(() => 204);
    ledger.route("collect-account", 1);
    ledger.publishStarted();
    ledger.publishEnded("collect-account", "3");
    ledger.publishStarted();
    ledger.publishEnded("collect-account", "4");
    // Act
    await push("3");
    await push("3");
    // Assess: message 4 is still owed, not cancelled by the duplicate.
    expect(ledger.describe()).toMatch(/^1 deliveries/);
  });

  it.each([
    ["an unknown function", "/nobody", "POST", "{}", 404],
    ["a GET", "/collectAccount", "GET", undefined, 405],
    ["a body that is not JSON", "/collectAccount", "POST", "not json", 400],
    ["a body that is not a push", "/collectAccount", "POST", '{"message":{}}', 400],
  ])("refuses %s", async (_name, path, method, body, status) => {
    // Prepare
    const { fn, relay } = await setup(() => 204);
    // Act
    const res = await fetch(relay.endpoint("collectAccount").replace("/collectAccount", path), { method, ...(body === undefined ? {} : { body }) });
    // Assess
    expect(res.status).toBe(status);
    expect(fn.received).toHaveLength(0);
  });
});
