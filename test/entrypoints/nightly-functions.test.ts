import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunDoc } from "#domain/nightly/run-state.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { subscribeEventFunctions } from "../../functions/src/local-subscriptions.js";
import { MemoryCostWarehouse } from "../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../fakes/memory-document-store.js";
import { MemorySecretStore } from "../fakes/memory-secret-store.js";
import { repoRoot } from "../support/shared-data.js";
import { join } from "node:path";

/**
 * The nightly's deployed event functions on the local bus, where collection fails for good: the
 * page goes to the dead-letter topic, collectAccountFailed marks the account failing and alerts the
 * tenant, and the run still reaches analysis. Nothing is dropped silently.
 */
describe("the nightly event functions when a collection can never succeed", () => {
  const documents = new MemoryDocumentStore();
  const console: string[] = [];
  const runDate = "2026-11-20";

  beforeAll(async () => {
    configureDeps({
      documents,
      warehouse: new MemoryCostWarehouse(),
      secrets: new MemorySecretStore(),
      configDir: join(repoRoot, "config"),
      logSink: () => {},
      consoleWrite: (line) => console.push(line),
      env: { COSTMON_ENV: "dev", COSTMON_COLLECTION_HISTORY_MONTHS: "1" },
    });
    await documents.set("tenants/t-oci", { name: "OCI tenant" });
    // An account of a provider without a live collector: its collection fails without a retry.
    await documents.set("tenants/t-oci/cloud_accounts/oci-1", { provider: "oci", billingAccountId: "ocid1", subAccountId: "ocid1.tenancy", environment: "prod" });
    await documents.set("tenants/t-oci/alert_channels/console", { id: "console", tenantId: "t-oci", kind: "console", enabled: true, rules: [] });
    const deps = await getDeps();
    await subscribeEventFunctions(deps.bus);
    await deps.bus.publish("nightly-collect", { runDate });
    await deps.bus.drain();
  });
  afterAll(async () => closeDeps());

  it("dead-letters every page and records them as failed in the run", async () => {
    const run = await documents.get<RunDoc>(`tenants/t-oci/runs/${runDate}`);
    expect(run?.pending).toEqual([]);
    expect(run?.collected).toEqual([]);
    expect(run?.failed.length).toBeGreaterThan(0);
  });

  it("marks the account failing with the collector's reason", async () => {
    const acc = await documents.get("tenants/t-oci/cloud_accounts/oci-1");
    expect(acc).toMatchObject({ status: "failing", lastError: expect.stringMatching(/no live billing collector/) });
  });

  it("alerts the tenant once for the failure streak, through its channel", () => {
    const failing = console.filter((l) => l.includes("tenant=t-oci") && /collect/i.test(l));
    expect(failing).toHaveLength(1);
  });

  it("still analyzes the tenant with what was collected", async () => {
    const run = await documents.get<RunDoc>(`tenants/t-oci/runs/${runDate}`);
    expect(run?.analysis).toMatchObject({ tenantId: "t-oci", asOf: "2026-11-19" });
    expect(run?.alerts?.total.sent).toBe(1);
  });
});
