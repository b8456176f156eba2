import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configureDeps, getDeps } from "../functions/src/deps.js";
import { MutableClock } from "./entrypoints/support/app-harness.js";
import { MemoryCostWarehouse } from "./fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "./fakes/memory-document-store.js";
import { MemorySecretStore } from "./fakes/memory-secret-store.js";
import { repoRoot } from "./support/shared-data.js";

/** The composition root: hot reload of what may change live, and credentials warmed at cold start. */
describe("deps", () => {
  const dir = mkdtempSync(join(tmpdir(), "deps-config-"));
  afterAll(() => {
    configureDeps({});
    rmSync(dir, { recursive: true, force: true });
  });
  const writeDev = (enabled: boolean) =>
    writeFileSync(
      join(dir, "dev.yaml"),
      `config:\n  reload_ttl: 5s\nfeature_flags:\n  alert_acknowledge_sync: { enabled: ${enabled}, rollout_percent: 100, allow_users: [], allow_tenants: [], attributes: {} }\n`,
    );

  it("re-reads feature flags after config.reload_ttl, without a restart", async () => {
    writeFileSync(join(dir, "base.yaml"), readFileSync(join(repoRoot, "config", "base.yaml")));
    writeDev(true);
    const clock = new MutableClock();
    configureDeps({ documents: new MemoryDocumentStore(), warehouse: new MemoryCostWarehouse(), secrets: new MemorySecretStore(), clock, configDir: dir, logSink: () => {}, env: { COSTMON_ENV: "dev" } });
    const deps = await getDeps();
    const user = { uid: "u1", tenantId: "t1" };
    expect((await deps.flags()).isEnabled("alert_acknowledge_sync", user)).toBe(true);

    writeDev(false);
    clock.advance(4_000);
    expect((await deps.flags()).isEnabled("alert_acknowledge_sync", user)).toBe(true);
    clock.advance(2_000);
    expect((await deps.flags()).isEnabled("alert_acknowledge_sync", user)).toBe(false);
    // What is built at cold start stays: the reload does not rebuild stores.
    expect(deps.config.feature_flags.alert_acknowledge_sync?.enabled).toBe(true);
  });

  it("keeps the last good config when a reload finds a broken file", async () => {
    const deps = await getDeps();
    writeFileSync(join(dir, "dev.yaml"), "feature_flags: [unclosed");
    const clock = deps.clock as MutableClock;
    clock.advance(10_000);
    expect((await deps.flags()).isEnabled("alert_acknowledge_sync", { uid: "u1" })).toBe(false);
  });

  it("prefetches the credentials of every connected provider account, not of demo or disconnected ones", async () => {
    const documents = new MemoryDocumentStore();
    const secrets = new MemorySecretStore({
      "cloud-creds/t1/a1": JSON.stringify({ accessKeyId: "AKID1", secretAccessKey: "s1" }),
      "cloud-creds/t1/a2": JSON.stringify({ accessKeyId: "AKID2", secretAccessKey: "s2" }),
      "cloud-creds/t2/z1": JSON.stringify({ tenantId: "a", clientId: "b", clientSecret: "c" }),
    });
    const reads: string[] = [];
    const counting = {
      get: async (n: string) => {
        reads.push(n);
        return secrets.get(n);
      },
      put: secrets.put.bind(secrets),
      delete: secrets.delete.bind(secrets),
    };
    for (const [t, id, provider, extra] of [
      ["t1", "a1", "aws", {}],
      ["t1", "a2", "aws", {}],
      ["t2", "z1", "azure", {}],
      ["t2", "d1", "gcp", { collector: "demo" }],
      ["t2", "x1", "gcp", { status: "disconnected" }],
    ] as const) {
      await documents.set(`tenants/${t}`, { name: t });
      await documents.set(`tenants/${t}/cloud_accounts/${id}`, { provider, billingAccountId: "b", subAccountId: "s", environment: "prod", ...extra });
    }
    configureDeps({ documents, warehouse: new MemoryCostWarehouse(), secrets: counting, configDir: join(repoRoot, "config"), logSink: () => {}, env: { COSTMON_ENV: "dev" } });
    const deps = await getDeps();

    // One secret per account: both AWS accounts of t1 are read, each under its own name.
    expect(await deps.prefetchCredentials()).toBe(3);
    expect(reads.sort()).toEqual(["cloud-creds/t1/a1", "cloud-creds/t1/a2", "cloud-creds/t2/z1"]);
    expect((await deps.credentials.get("t1", "a2"))?.accessKeyId).toBe("AKID2");
    expect(reads).toHaveLength(3);
  });
});
