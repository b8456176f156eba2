import { join, resolve } from "node:path";
import type { CostWarehouse } from "#domain/billing/ports.js";
import type { BillingSource } from "#domain/billing/ports.js";
import type { Provider } from "#domain/billing/cost-record.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import type { Clock, DocumentStore, EventBus, SecretStore } from "#kernel/ports.js";
import { DemoBillingSource } from "../demo/demo-billing-source.js";
import { type DemoConfig, loadDemoConfig } from "../demo/demo-config.js";
import { DuckDbDocumentStore } from "./duckdb-document-store.js";
import { DuckDbCostWarehouse } from "./duckdb-warehouse.js";
import { FileSecretStore } from "./file-secret-store.js";
import { InProcessBus } from "./in-process-bus.js";

/** A store this runtime opened, which the instance closes on shutdown. */
export interface ClosableStore {
  closeNow(): void;
  close(): Promise<void>;
}

export interface LocalRuntime {
  documents: DocumentStore;
  warehouse: CostWarehouse;
  secrets: SecretStore;
  bus: EventBus;
  /** Stores opened here (not the ones passed in), for the instance's shutdown. */
  owned: ClosableStore[];
  /** The demo accounts' billing source for a provider (generated history, see config `demo`). */
  demoSource?: (provider: Provider) => BillingSource;
}

/** The local runtime without its bus: what the `emulators` runtime shares with it. */
export type LocalStores = Omit<LocalRuntime, "bus">;

/**
 * The `local` runtime's adapters, built for deps.ts (the composition root) from F7 config: the
 * tenant documents and the ledger in DuckDB files under `data_dir`, the in-process bus with
 * Pub/Sub's delivery contract (`selfops.dead_letter_max_attempts` deliveries, then the dead-letter
 * topic and a record in `dead_letters/`), a file secret store, and the demo billing source reading `demo.tenants_file`. Stores given
 * in `given` (tests) are used as they are and left to their owner.
 *
 * @example
 *   const rt = await openLocalRuntime({ config, clock: systemClock });
 *   await rt.bus.publish("nightly-collect", {});
 */
export async function openLocalRuntime(given: {
  config: AppConfig;
  clock: Clock;
  documents?: DocumentStore;
  warehouse?: CostWarehouse;
  secrets?: SecretStore;
}): Promise<LocalRuntime> {
  const stores = await openLocalStores(given);
  // Dead letters are kept in the document store, where `costmon dead-letters` lists and replays them.
  const bus = new InProcessBus({ maxAttempts: given.config.selfops.dead_letter_max_attempts, keepDeadLettersIn: stores.documents });
  return { ...stores, bus };
}

/**
 * The stores of the local runtime (DuckDB documents and ledger, file secrets, the demo billing
 * source), without a bus; stores given in `given` are used as they are and left to their owner.
 *
 * @example
 *   const stores = await openLocalStores({ config, clock: systemClock, documents: firestoreStore });
 */
export async function openLocalStores(given: {
  config: AppConfig;
  clock: Clock;
  documents?: DocumentStore;
  warehouse?: CostWarehouse;
  secrets?: SecretStore;
}): Promise<LocalStores> {
  const { config, clock } = given;
  const owned: ClosableStore[] = [];
  const own = <S extends ClosableStore>(store: S): S => {
    owned.push(store);
    return store;
  };
  const [documents, warehouse] = await Promise.all([
    given.documents ?? DuckDbDocumentStore.open({ dataDir: config.data_dir }).then(own),
    given.warehouse ?? DuckDbCostWarehouse.open({ dataDir: config.data_dir }).then(own),
  ]);
  const secrets = given.secrets ?? new FileSecretStore(join(config.data_dir, "secrets.json"));
  let demo: Promise<DemoConfig> | undefined;
  const demoConfig = () => {
    demo ??= loadDemoConfig(resolve(config.demo.tenants_file)).catch((err: unknown) => {
      demo = undefined;
      throw err;
    });
    return demo;
  };
  const demoSources = new Map<Provider, BillingSource>();
  const demoSource = (provider: Provider): BillingSource => {
    let s = demoSources.get(provider);
    if (!s) {
      s = new DemoBillingSource(provider, { config: demoConfig, dataDir: config.data_dir, clock });
      demoSources.set(provider, s);
    }
    return s;
  };
  return { documents, warehouse, secrets, owned, demoSource };
}
