import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BigQueryCostWarehouse } from "#adapters/bigquery/bigquery-cost-warehouse.js";
import { adapterBehind } from "#adapters/gcp/lazy-adapters.js";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { GcpLlmLedger } from "#adapters/gcp/gcp-llm-ledger.js";
import { PubSubEventBus } from "#adapters/pubsub/pubsub-event-bus.js";
import { SecretManagerSecretStore } from "#adapters/secret-manager/secret-manager-secret-store.js";
import { closeDeps, configureDeps, getDeps } from "../functions/src/deps.js";
import { repoRoot } from "./support/shared-data.js";

/**
 * Runtime `gcp`, as config/prod.yaml selects it: deps.ts builds the Google Cloud adapters and no
 * local store. Building opens no connection, so this runs without a network or credentials.
 */
describe("deps with runtime gcp", () => {
  afterAll(async () => {
    await closeDeps();
    configureDeps({});
  });

  it("serves documents from Firestore, the ledger from BigQuery, secrets from Secret Manager and the bus from Pub/Sub", async () => {
    configureDeps({ configDir: join(repoRoot, "config"), logSink: () => {}, env: { COSTMON_ENV: "prod", COSTMON_PROJECT_ID: "costmon-test-1" } });
    const deps = await getDeps();
    expect(deps.config.runtime).toBe("gcp");
    expect(deps.documents).toBeInstanceOf(FirestoreDocumentStore);
    // The BigQuery, Secret Manager and Pub/Sub clients load on first use (lazy-adapters.ts).
    expect(await adapterBehind(deps.warehouse)).toBeInstanceOf(BigQueryCostWarehouse);
    expect(await adapterBehind(deps.secrets)).toBeInstanceOf(SecretManagerSecretStore);
    expect(await adapterBehind(deps.bus)).toBeInstanceOf(PubSubEventBus);
  });

  it("keeps LLM usage events in BigQuery and their running totals on the runtime's own Firestore client", async () => {
    const deps = await getDeps();
    const ledger = await deps.llmLedger();
    expect(ledger).toBeInstanceOf(GcpLlmLedger);
    // Opening it connected to nothing; a second ask is the same ledger.
    expect(await deps.llmLedger()).toBe(ledger);
  });

  it("refuses to collect a demo account: demo history exists only in the local runtimes", async () => {
    const deps = await getDeps();
    const account = { tenantId: "t1", accountId: "d1", provider: "gcp" as const, scope: {}, environment: "prod" as const };
    const doc = { provider: "gcp" as const, collector: "demo" as const } as Parameters<typeof deps.sourceFor>[1];
    await expect(deps.sourceFor(account, doc).collect({ account, window: { start: "2026-11-01", end: "2026-11-02" } })).rejects.toMatchObject({ retryable: false });
  });
});
