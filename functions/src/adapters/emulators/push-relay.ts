import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { DeliveryLedger } from "./delivery-ledger.js";
import type { LocalOidcSigner } from "./local-oidc.js";

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

export interface PushRelay {
  /** The push endpoint of a function: `http://127.0.0.1:<port>/<name>`. */
  endpoint(name: string): string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A Pub/Sub push request, as the emulator sends it; fields the relay does not read pass through untouched. */
const PushEnvelope = z.looseObject({
  subscription: z.string().min(1),
  message: z.looseObject({
    messageId: z.string().min(1),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
});

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The push body as the function receives it: the same, with its id mapped and the attempt numbered. */
function forwardedBody(envelope: z.infer<typeof PushEnvelope>, id: string, attempt: number): unknown {
  const { message } = envelope;
  const renamed = { ...message, messageId: id, ...("message_id" in message ? { message_id: id } : {}) };
  return { ...envelope, message: renamed, deliveryAttempt: attempt };
}

function answer(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

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
 * @example
 *   const relay = await startPushRelay({ targets, signer, ledger });
 *   await createSubscription(topic, { pushConfig: { pushEndpoint: relay.endpoint("collectAccount") } });
 */
export async function startPushRelay(opts: {
  targets: readonly PushTarget[];
  signer: LocalOidcSigner;
  ledger: DeliveryLedger;
  /** The id the function sees for the emulator's id; default the same. */
  messageId?: (serverId: string) => string;
  observe?: (name: string, outcome: PushOutcome) => void | Promise<void>;
}): Promise<PushRelay> {
  const messageId = opts.messageId ?? ((id: string) => id);
  const targets = new Map(opts.targets.map((t) => [t.name, t]));
  const attempts = new Map<string, number>();
  const acknowledged = new Set<string>();
  const { ledger, signer } = opts;

  async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = targets.get((req.url ?? "").replace(/^\/+/, "").split("?")[0] ?? "");
    if (!target) return answer(res, 404);
    if (req.method !== "POST") return answer(res, 405);
    const text = await readBody(req);
    if (text === null) return answer(res, 413);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return answer(res, 400);
    }
    const envelope = PushEnvelope.safeParse(json);
    if (!envelope.success) return answer(res, 400);
    const { message, subscription } = envelope.data;
    const key = `${subscription}\n${message.messageId}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    if (attempt === 1 && message.attributes?.CloudPubSubDeadLetterSourceSubscription !== undefined) {
      ledger.forwardArrived(target.topic, message.messageId);
    }
    let status: number;
    try {
      const token = await signer.token(target.audience, target.serviceAccount);
      const forwarded = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(forwardedBody(envelope.data, messageId(message.messageId), attempt)),
      });
      await forwarded.arrayBuffer();
      status = forwarded.status;
    } catch {
      status = 502;
    }
    const ok = status >= 200 && status < 300;
    if (ok && !acknowledged.has(key)) {
      acknowledged.add(key);
      ledger.acknowledged(message.messageId);
    } else if (!ok && attempt === target.maxDeliveryAttempts) {
      ledger.deadLettered(message.messageId, target.deadLetterTopic);
    }
    try {
      await opts.observe?.(target.name, ok ? "acknowledged" : "failed");
    } catch {
      // Progress reporting never decides a delivery.
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
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
