import type { CostWarehouse } from "#domain/billing/ports.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import { AppError } from "#kernel/errors.js";
import type { Clock, DocumentStore, SecretStore } from "#kernel/ports.js";
import { FirestoreDocumentStore } from "../firestore/firestore-document-store.js";
import { type ClosableStore, type LocalRuntime, openLocalStores } from "../local/local-runtime.js";
import { nightlyOrderingKey } from "../pubsub/ordering-keys.js";
import { openPubSubClient } from "../pubsub/pubsub-client.js";
import { PubSubEventBus } from "../pubsub/pubsub-event-bus.js";
import { DeliveryTrackingBus } from "./delivery-tracking-bus.js";

/**
 * The `emulators` runtime's adapters, built for deps.ts from F7 config once the emulators run
 * (the command line starts them: emulator-host.ts): the documents in the Firestore emulator
 * (`emulators.firestore_host`; "" keeps them in DuckDB), the ledger in DuckDB and the secrets in a
 * file as in the local runtime, and the Pub/Sub bus on the Pub/Sub emulator
 * (`emulators.pubsub_host`, `pubsub.*`), wrapped in a {@link DeliveryTrackingBus} so that
 * `drain()` waits for the push deliveries. Stores given in `given` (tests) are used as they are.
 *
 * @example
 *   const rt = await openEmulatorsRuntime({ config, clock: systemClock });
 *   await rt.bus.publish("nightly-collect", { runDate: "2026-11-20" });
 */
export async function openEmulatorsRuntime(given: {
  config: AppConfig;
  clock: Clock;
  documents?: DocumentStore;
  warehouse?: CostWarehouse;
  secrets?: SecretStore;
}): Promise<LocalRuntime> {
  const { config } = given;
  const { pubsub_host, firestore_host } = config.emulators;
  if (!pubsub_host) {
    throw new AppError("failed-precondition", "runtime emulators needs emulators.pubsub_host: start it with `costmon nightly --runtime emulators`");
  }
  let firestore: FirestoreDocumentStore | undefined;
  if (!given.documents && firestore_host) {
    firestore = new FirestoreDocumentStore({ projectId: config.project.id, emulatorHost: firestore_host });
  }
  const stores = await openLocalStores({ ...given, ...(firestore ? { documents: firestore } : {}) });
  const owned: ClosableStore[] = [...stores.owned];
  if (firestore) {
    const store = firestore;
    // Firestore's client ends asynchronously; at a synchronous shutdown it is only started.
    owned.push({ close: () => store.close(), closeNow: () => void store.close().catch(() => undefined) });
  }
  const client = await openPubSubClient({ projectId: config.project.id, emulatorHost: pubsub_host });
  const pubsub = new PubSubEventBus({
    client,
    topicPrefix: config.pubsub.topic_prefix,
    batching: { maxMessages: config.pubsub.batch_max_messages, maxMilliseconds: config.pubsub.batch_max_delay },
    orderingKey: nightlyOrderingKey,
  });
  return { ...stores, owned, bus: new DeliveryTrackingBus(pubsub) };
}
