import type { CostWarehouse } from "#domain/billing/ports.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import type { Clock, DocumentStore, SecretStore } from "#kernel/ports.js";
import { FirestoreDocumentStore } from "../firestore/firestore-document-store.js";
import type { ClosableStore, LocalRuntime } from "../local/local-runtime.js";
import { lazyBus, lazySecretStore, lazyWarehouse } from "./lazy-adapters.js";

/**
 * The `gcp` runtime's adapters, built for deps.ts from F7 config: tenant documents in Firestore,
 * the ledger in BigQuery, the bus on Pub/Sub (deployed functions receive through push
 * subscriptions, so the bus here only publishes) and secrets in Secret Manager, all in
 * `project.id` with Application Default Credentials. Demo accounts are not collected here.
 *
 * This module imports the Firestore client at load (nearly every function reads documents, if only
 * to authenticate); deps.ts loads it only when `runtime` is `gcp`. The BigQuery, Secret Manager and
 * Pub/Sub clients are imported on first use (lazy-adapters.ts), so a function that never reads the
 * ledger, a secret or publishes does not pay for loading them at cold start (docs/performance.md).
 *
 * @example
 *   const rt = await openGcpRuntime({ config, clock: systemClock });
 */
export async function openGcpRuntime(given: {
  config: AppConfig;
  clock: Clock;
  documents?: DocumentStore;
  warehouse?: CostWarehouse;
  secrets?: SecretStore;
}): Promise<LocalRuntime> {
  const { config } = given;
  const projectId = config.project.id;
  const owned: ClosableStore[] = [];
  let documents = given.documents;
  if (!documents) {
    const firestore = new FirestoreDocumentStore({ projectId, ...(config.firestore.database_id ? { databaseId: config.firestore.database_id } : {}) });
    owned.push(firestore);
    documents = firestore;
  }
  let warehouse = given.warehouse;
  if (!warehouse) {
    const bq = lazyWarehouse(async () =>
      (await import("../bigquery/bigquery-cost-warehouse.js")).BigQueryCostWarehouse.create({
        projectId,
        location: config.bigquery.location,
        datasets: { cost_analytics: config.bigquery.cost_dataset, staging: config.bigquery.staging_dataset },
        retry: { maxAttempts: config.selfops.retry_max_attempts, baseDelayMs: config.selfops.retry_base, maxDelayMs: config.selfops.retry_max },
      }),
    );
    owned.push(bq);
    warehouse = bq;
  }
  const secrets =
    given.secrets ??
    lazySecretStore(async () => {
      const { SecretManagerSecretStore } = await import("../secret-manager/secret-manager-secret-store.js");
      return new SecretManagerSecretStore({ projectId, rotationGraceMs: config.secrets.rotation_grace });
    });
  const bus = lazyBus(async () => {
    const [{ openPubSubClient }, { PubSubEventBus }, { nightlyOrderingKey }] = await Promise.all([
      import("../pubsub/pubsub-client.js"),
      import("../pubsub/pubsub-event-bus.js"),
      import("../pubsub/ordering-keys.js"),
    ]);
    return new PubSubEventBus({
      client: await openPubSubClient({ projectId }),
      topicPrefix: config.pubsub.topic_prefix,
      batching: { maxMessages: config.pubsub.batch_max_messages, maxMilliseconds: config.pubsub.batch_max_delay },
      orderingKey: nightlyOrderingKey,
      ownsClient: true,
    });
  });
  return { documents, warehouse, secrets, bus, owned };
}
