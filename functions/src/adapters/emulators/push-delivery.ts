import type { AppConfig } from "#foundation/config/config-schema.js";
import { AppError } from "#kernel/errors.js";
import type { DocumentStore, EventBus } from "#kernel/ports.js";
import { ORDERED_TOPICS } from "../pubsub/ordering-keys.js";
import { openPubSubClient } from "../pubsub/pubsub-client.js";
import { topicNames } from "../pubsub/topic-names.js";
import { DeliveryTrackingBus } from "./delivery-tracking-bus.js";
import { type ServerFor, startFunctionServers } from "./function-servers.js";
import type { LocalOidcSigner } from "./local-oidc.js";
import type { PushFaults } from "./push-faults.js";
import { type PushDeliveryInfo, type PushOutcome, type PushRelay, startPushRelay } from "./push-relay.js";
import { type EventFunctionRoute, planTopology, provisionTopology } from "./push-topology.js";

/** The audience the push subscriptions' tokens name, and the only one the runtime's verifier accepts. */
export const PUSH_AUDIENCE = "https://push.emulators.costmon.invalid";

export interface PushDelivery {
  close(): Promise<void>;
}

export interface PushDeliveryOptions {
  /** The runtime's bus, as deps.ts built it for runtime `emulators`. */
  bus: EventBus;
  config: AppConfig;
  functions: readonly EventFunctionRoute[];
  pubsubHost: string;
  signer: LocalOidcSigner;
  /** Builds each function's server; default functions-framework's own (function-servers.ts). */
  serverFor?: ServerFor;
  /**
   * The functions are served already, each by its own process as deployed (a benchmark's
   * instances): their URLs by name, pushed to as they are; no server is started here then.
   */
  functionUrls?: ReadonlyMap<string, string>;
  observe?: (name: string, outcome: PushOutcome, delivery: PushDeliveryInfo) => void | Promise<void>;
  /**
   * The runtime's document store: with it, every dead-letter topic gets a recorder subscription
   * that keeps what arrives there as a dead-letter record (`costmon dead-letters`).
   */
  documents?: DocumentStore;
  /** Delivery faults injected at the relay (push-faults.ts): a drill, never the default. */
  faults?: PushFaults;
}

/** The push service account: the allowed account named `pubsub-push@…`, else the first allowed one. */
function pushServiceAccount(config: AppConfig): string {
  const allowed = config.auth.oidc_service_accounts.map((a) => a.replaceAll("{project}", config.project.id));
  const account = allowed.find((a) => a.startsWith("pubsub-push@")) ?? allowed[0];
  if (!account) throw new AppError("failed-precondition", "auth.oidc_service_accounts is empty: no service account may push to the event functions");
  return account;
}

function deliveryAttempts(config: AppConfig): number {
  const n = config.selfops.dead_letter_max_attempts;
  if (n < 5 || n > 100) {
    throw new AppError("failed-precondition", `selfops.dead_letter_max_attempts is ${n}: a Pub/Sub dead-letter policy takes 5 to 100 attempts`);
  }
  return n;
}

/**
 * Serves the event functions behind push subscriptions on the Pub/Sub emulator: one
 * functions-framework server per function, the push relay in front of them, then the topics,
 * their dead-letter twins and one push subscription per function (push-topology.ts), and, given
 * the document store, a recorder subscription per twin that keeps dead-letter records. From then
 * on a message published on the bus travels as a Pub/Sub push request to its function's server,
 * and the bus's `drain()` waits for those deliveries. `close` stops the relay, then the servers.
 *
 * @example
 *   const delivery = await startPushDelivery({ bus: deps.bus, config: deps.config, functions, pubsubHost, signer });
 *   await deps.bus.publish("nightly-collect", { runDate }); await deps.bus.drain();
 *   await delivery.close();
 */
export async function startPushDelivery(opts: PushDeliveryOptions): Promise<PushDelivery> {
  const { bus, config, functions } = opts;
  if (!(bus instanceof DeliveryTrackingBus)) {
    throw new AppError("failed-precondition", "push delivery needs the emulators runtime's bus: configure deps with the emulator host's env first");
  }
  const names = topicNames(config.pubsub.topic_prefix);
  const plan = planTopology(functions, names, (t) => ORDERED_TOPICS.has(t));
  const settings = { serviceAccount: pushServiceAccount(config), audience: PUSH_AUDIENCE, maxDeliveryAttempts: deliveryAttempts(config) };
  const given = opts.functionUrls;
  if (given) {
    const missing = functions.filter((f) => !given.has(f.name)).map((f) => f.name);
    if (missing.length > 0) throw new AppError("failed-precondition", `no URL given for ${missing.join(", ")}`);
  }
  const servers = given
    ? { urls: given, close: async () => undefined }
    : await startFunctionServers(
        functions.map((f) => f.name),
        opts.serverFor,
      );
  let relay: PushRelay | undefined;
  const recorded = opts.documents ? plan.recorded : [];
  try {
    relay = await startPushRelay({
      targets: plan.pushes.map((p) => ({ ...p, ...settings, url: servers.urls.get(p.name) ?? "" })),
      signer: opts.signer,
      ledger: bus.ledger,
      messageId: (id) => bus.messageId(id),
      ...(opts.observe ? { observe: opts.observe } : {}),
      ...(opts.documents ? { recorders: { topics: recorded, store: opts.documents } } : {}),
      ...(opts.faults ? { faults: opts.faults } : {}),
    });
    // Each push subscription of a topic owes a delivery of its messages, recorders included.
    for (const topic of new Set([...plan.pushes.map((p) => p.topic), ...recorded])) {
      bus.ledger.route(topic, plan.pushes.filter((p) => p.topic === topic).length + (recorded.includes(topic) ? 1 : 0));
    }
    const admin = await openPubSubClient({ projectId: config.project.id, emulatorHost: opts.pubsubHost });
    try {
      const open = relay;
      await provisionTopology(admin, names, plan, { ...settings, endpoint: open.endpoint, ...(opts.documents ? { recorderEndpoint: open.recorderEndpoint } : {}) });
    } finally {
      await admin.close();
    }
  } catch (err) {
    await relay?.close();
    await servers.close();
    throw err;
  }
  const open = relay;
  return {
    async close() {
      await open.close();
      await servers.close();
    },
  };
}
