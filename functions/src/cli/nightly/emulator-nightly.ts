import { resolve } from "node:path";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import type { DeliveryCounts } from "#adapters/emulators/delivery-ledger.js";
import { DeliveryTrackingBus } from "#adapters/emulators/delivery-tracking-bus.js";
import { AppError } from "#kernel/errors.js";
import { type EmulatorSessionOptions, withEmulatorSession } from "../emulator-session.js";
import type { Progress } from "../progress.js";
import { type NightlyResult, runNightly } from "./run-nightly.js";
import { seedTenants } from "./seed-tenants.js";

export interface EmulatorNightlyOptions extends Pick<EmulatorSessionOptions, "faults" | "overrides"> {
  date?: string;
  /** The tenants file. */
  config: string;
  configDir?: string;
  dataDir: string;
}

export interface EmulatorNightlyResult {
  /** The same summary as the local runtime's. */
  summary: NightlyResult;
  /** What the push deliveries came to: published, acknowledged, dead-lettered (delivery-ledger.ts). */
  deliveries: DeliveryCounts;
}

/**
 * The nightly on the official emulators (DESIGN.md §3): the run goes exactly as in the local
 * runtime (the tenants seeded, one `nightly-collect` message, the bus drained, the summary read from
 * the run documents), except that every message travels through the Pub/Sub emulator as a push
 * request to its function's own server (emulator-session.ts), and what reaches a dead-letter topic
 * is kept as a dead-letter record.
 *
 * @example
 *   const { summary } = await runEmulatorNightly({ config: "config/demo/tenants.yaml", dataDir: ".data" }, progress);
 */
export async function runEmulatorNightly(opts: EmulatorNightlyOptions, progress: Progress): Promise<EmulatorNightlyResult> {
  const tenantsFile = resolve(opts.config);
  const cfg = await loadDemoConfig(tenantsFile);
  const session = {
    dataDir: opts.dataDir,
    tenantsFile,
    ...(opts.configDir ? { configDir: opts.configDir } : {}),
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  };
  return withEmulatorSession(session, progress, async ({ deps, serve }) => {
    await seedTenants(deps, cfg, tenantsFile);
    const accounts = await deps.prefetchCredentials();
    if (accounts > 0) progress.info(`credentials prefetched for ${accounts} provider account(s)`);
    const summary = await runNightly(deps, {
      runDate: opts.date ?? cfg.today,
      tenantIds: cfg.tenants.map((t) => t.id),
      progress,
      connect: async (report) => {
        const served = await serve((name, outcome) => report(name, outcome === "acknowledged" ? "done" : "failed"));
        progress.info(`${served} event functions served behind Pub/Sub push subscriptions`);
      },
    });
    // The session served the functions, which only the emulators runtime's bus allows.
    const { bus } = deps;
    if (!(bus instanceof DeliveryTrackingBus)) throw new AppError("failed-precondition", "the emulator nightly needs the emulators runtime's bus");
    return { summary, deliveries: bus.ledger.counts() };
  });
}
