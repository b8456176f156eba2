import { join } from "node:path";
import { createConsoleChannel } from "#adapters/local/console-channel.js";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { DuckDbDocumentStore } from "#adapters/local/duckdb-document-store.js";
import { FileSecretStore } from "#adapters/local/file-secret-store.js";
import { InProcessBus } from "#adapters/local/in-process-bus.js";
import { createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { systemClock } from "#kernel/ports.js";
import type { Progress } from "../progress.js";
import type { NightlyRuntime } from "./run-nightly.js";

/** Local JSON-ish logger for the alert code: warnings and errors reach stderr, secrets are never passed in. */
function stderrLog(progress: Progress) {
  return {
    info: () => {},
    warn: (message: string, fields?: Record<string, unknown>) => progress.info(`warn: ${message} ${fields ? JSON.stringify(fields) : ""}`),
    error: (message: string, fields?: Record<string, unknown>) => progress.info(`error: ${message} ${fields ? JSON.stringify(fields) : ""}`),
  };
}

/**
 * The embedded default behind the ports: DuckDB files for the ledger and the tenant documents,
 * an in-process bus, a file secret store and the console alert channel, all under `dataDir`.
 */
export async function openLocalRuntime(opts: { dataDir: string; progress: Progress }): Promise<NightlyRuntime & { close(): Promise<void> }> {
  const store = await DuckDbDocumentStore.open({ dataDir: opts.dataDir });
  const warehouse = await DuckDbCostWarehouse.open({ dataDir: opts.dataDir });
  const bus = new InProcessBus();
  const secrets = new FileSecretStore(join(opts.dataDir, "secrets.json"));
  const dispatcher = createAlertDispatcher({
    store,
    secrets,
    channels: { console: createConsoleChannel() },
    clock: systemClock,
    log: stderrLog(opts.progress),
  });
  return {
    store,
    warehouse,
    bus,
    dispatcher,
    clock: systemClock,
    async close() {
      await bus.close();
      await warehouse.close();
      await store.close();
    },
  };
}
