import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DocumentStore } from "#kernel/ports.js";
import { recordDeadLetterPush } from "./dead-letter-recorder.js";
import type { DeliveryLedger } from "./delivery-ledger.js";
import type { LocalOidcSigner } from "./local-oidc.js";
import { forwardedBody, parsePush, type PushEnvelope, readBody } from "./push-envelope.js";
import { faultyDelivery, type PushFaults } from "./push-faults.js";

/** Where the relay sends one push subscription's requests, and as whom. */
export interface PushTarget {
  /** The event function's name; the subscription pushes to `<relay>/<name>`. */
  name: string;
  /** The topic (the code's name) the subscription reads. */
  topic: string;
  /** The function's own server. */
  url: string;
  /** The subscription's `pushConfig.oidcToken`: who the token names and for which audience. */
  serviceAccount: string;
  audience: string;
  /** The subscription's dead-letter policy. */
  deadLetterTopic: string;
  maxDeliveryAttempts: number;
}

/** acknowledged: the function answered 2xx; failed: anything else (Pub/Sub will redeliver or dead-letter). */
export type PushOutcome = "acknowledged" | "failed";

/** Which delivery an outcome is about: the message id as the function saw it, and the attempt. */
export interface PushDeliveryInfo {
  messageId: string;
  attempt: number;
}

export interface PushRelay {
  /** The push endpoint of a function: `http://127.0.0.1:<port>/<name>`. */
  endpoint(name: string): string;
  /** The push endpoint of the subscription that keeps what reaches a dead-letter topic. */
  recorderEndpoint(deadLetterTopic: string): string;
  close(): Promise<void>;
}

export interface PushRelayOptions {
  targets: readonly PushTarget[];
  signer: LocalOidcSigner;
  ledger: DeliveryLedger;
  /** The id the function sees for the emulator's id; default the same. */
  messageId?: (serverId: string) => string;
  observe?: (name: string, outcome: PushOutcome, delivery: PushDeliveryInfo) => void | Promise<void>;
  /**
   * The dead-letter topics (the code's names) whose recorder subscriptions push here, and the
   * store their records go to (dead-letter-recorder.ts).
   */
  recorders?: { topics: readonly string[]; store: DocumentStore };
  /** Delivery faults to inject into every push to a function (push-faults.ts); none by default. */
  faults?: PushFaults;
}

const RECORDER = "dead-letters/";

function answer(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

const isOk = (status: number) => status >= 200 && status < 300;

/**
 * Stands between the Pub/Sub emulator and the function servers, doing for push what Google's
 * push delivery does and the emulator does not:
 * - it attaches the OIDC token the subscription's `oidcToken` asks for, signed by the local
 *   signer (the emulator attaches none), so the functions' deployed door, which admits only a
 *   verified token of an allowed service account, runs unchanged;
 * - it numbers the attempts of each message per subscription and puts `deliveryAttempt` in the
 *   body, as Pub/Sub does for a subscription with a dead-letter policy (the emulator enforces the
 *   policy but leaves the field out);
 * - it hands on the message id as `messageId` maps it (delivery-tracking-bus.ts: the emulator's
 *   ids repeat from one start to the next, Pub/Sub's never do).
 * The body is otherwise forwarded as it came, and the function's status goes back to the emulator,
 * which redelivers on anything but 2xx and dead-letters after the last attempt. Each outcome is
 * entered in the {@link DeliveryLedger}, so the runtime knows when nothing is owed any more.
 *
 * It also ends the recorder subscriptions of the dead-letter topics (`recorders`): what reaches a
 * dead-letter topic is kept as a dead-letter record. With `faults`, every push to a function goes
 * out as several delayed copies (push-faults.ts): a drill, never the default.
 *
 * @example
 *   const relay = await startPushRelay({ targets, signer, ledger });
 *   await createSubscription(topic, { pushConfig: { pushEndpoint: relay.endpoint("collectAccount") } });
 */
export async function startPushRelay(opts: PushRelayOptions): Promise<PushRelay> {
  const messageId = opts.messageId ?? ((id: string) => id);
  const targets = new Map(opts.targets.map((t) => [t.name, t]));
  const recorderTopics = new Set(opts.recorders?.topics ?? []);
  const attempts = new Map<string, number>();
  const acknowledged = new Set<string>();
  const { ledger, signer } = opts;
  const deliver = opts.faults ? faultyDelivery(opts.faults, ledger) : (send: () => Promise<number>) => send();

  /** Sends one push to its function; the status it answered, 502 when it could not be reached. */
  async function toFunction(target: PushTarget, envelope: PushEnvelope, attempt: number): Promise<number> {
    try {
      const token = await signer.token(target.audience, target.serviceAccount);
      const forwarded = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(forwardedBody(envelope, messageId(envelope.message.messageId), attempt)),
      });
      await forwarded.arrayBuffer();
      return forwarded.status;
    } catch {
      return 502;
    }
  }

  /** Keeps what a dead-letter topic's recorder subscription pushed; 500 when the store failed (Pub/Sub redelivers). */
  async function toRecorder(deadLetterTopic: string, envelope: PushEnvelope): Promise<number> {
    const { message } = envelope;
    try {
      await recordDeadLetterPush(opts.recorders?.store as DocumentStore, {
        deadLetterTopic,
        messageId: messageId(message.messageId),
        data: message.data,
        attributes: message.attributes ?? {},
        publishTime: message.publishTime,
      });
      return 204;
    } catch {
      return 500;
    }
  }

  async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = (req.url ?? "").replace(/^\/+/, "").split("?")[0] ?? "";
    const recorderTopic = route.startsWith(RECORDER) ? decodeURIComponent(route.slice(RECORDER.length)) : undefined;
    const target = recorderTopic === undefined ? targets.get(route) : undefined;
    if (!target && !(recorderTopic !== undefined && recorderTopics.has(recorderTopic))) return answer(res, 404);
    if (req.method !== "POST") return answer(res, 405);
    const text = await readBody(req);
    if (text === null) return answer(res, 413);
    const envelope = parsePush(text);
    if (!envelope) return answer(res, 400);
    const { message, subscription } = envelope;
    const topic = target?.topic ?? (recorderTopic as string);
    const key = `${subscription}\n${message.messageId}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    if (attempt === 1 && message.attributes?.CloudPubSubDeadLetterSourceSubscription !== undefined) {
      ledger.forwardArrived(topic, message.messageId);
    }
    const status = target ? await deliver(() => toFunction(target, envelope, attempt)) : await toRecorder(topic, envelope);
    const ok = isOk(status);
    if (ok && !acknowledged.has(key)) {
      acknowledged.add(key);
      ledger.acknowledged(message.messageId, topic);
    } else if (!ok) {
      ledger.attemptFailed();
      if (target && attempt === target.maxDeliveryAttempts) ledger.deadLettered(message.messageId, target.deadLetterTopic, topic);
    }
    if (target) {
      try {
        await opts.observe?.(target.name, ok ? "acknowledged" : "failed", { messageId: messageId(message.messageId), attempt });
      } catch {
        // Progress reporting never decides a delivery.
      }
    }
    answer(res, ok ? 204 : status);
  }

  const server: Server = createServer((req, res) => {
    relay(req, res).catch(() => {
      if (!res.headersSent) answer(res, 500);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: (name) => `http://127.0.0.1:${port}/${name}`,
    recorderEndpoint: (deadLetterTopic) => `http://127.0.0.1:${port}/${RECORDER}${encodeURIComponent(deadLetterTopic)}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
