import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLocalOidcSigner, type LocalOidcSigner, writeCertificates } from "#adapters/emulators/local-oidc.js";
import { closeDeps, configureDeps } from "../functions/src/deps.js";
import { type EntryPointClient, serveEntryPoints } from "./entrypoints/support/app-harness.js";
import { MemoryCostWarehouse } from "./fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "./fakes/memory-document-store.js";
import { MemorySecretStore } from "./fakes/memory-secret-store.js";
import { repoRoot } from "./support/shared-data.js";

/**
 * Which OIDC tokens the composition root lets through the event functions' door, per runtime:
 * runtime `emulators` trusts the certificates its push relay signs with, and no other runtime
 * does, even when the same certificates file is configured. A scheduled function stands for every
 * event function here: both are admitted by the same door (admitServiceCall).
 */
const AUDIENCE = "https://push.emulators.costmon.invalid";
const ACCOUNT = "pubsub-push@demo-test.iam.gserviceaccount.com";

describe("OIDC on push and scheduler requests, per runtime", () => {
  const dir = mkdtempSync(join(tmpdir(), "push-oidc-"));
  const certsFile = join(dir, "certs.json");
  let trusted: LocalOidcSigner;
  let app: EntryPointClient | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await closeDeps();
  });
  afterAll(() => {
    configureDeps({});
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(runtime: "local" | "emulators"): Promise<EntryPointClient> {
    trusted ??= await createLocalOidcSigner();
    await writeCertificates(certsFile, trusted.certificates());
    configureDeps({
      documents: new MemoryDocumentStore(),
      warehouse: new MemoryCostWarehouse(),
      secrets: new MemorySecretStore(),
      configDir: join(repoRoot, "config"),
      logSink: () => {},
      env: {
        COSTMON_ENV: "dev",
        COSTMON_RUNTIME: runtime,
        COSTMON_AUTH_OIDC_AUDIENCE: AUDIENCE,
        COSTMON_EMULATORS_OIDC_CERTS_FILE: certsFile,
        // Never contacted: a scheduled sweep of an empty queue publishes nothing.
        COSTMON_EMULATORS_PUBSUB_HOST: "127.0.0.1:9",
      },
    });
    app = await serveEntryPoints();
    return app;
  }

  const tick = (token?: string) => ({
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: "{}",
  });

  it("runtime emulators admits a token signed with the runtime's key", async () => {
    // Prepare
    const fns = await serve("emulators");
    // Act
    const res = await fns.raw("retryPendingAlerts", tick(await trusted.token(AUDIENCE, ACCOUNT)));
    // Assess
    expect(res.status).toBe(200);
  });

  it.each([
    ["no token", async () => undefined],
    ["a token signed with another key", async () => (await createLocalOidcSigner()).token(AUDIENCE, ACCOUNT)],
    ["a token for another audience", async () => trusted.token("https://elsewhere.invalid", ACCOUNT)],
    ["a token of a service account that is not allowed", async () => trusted.token(AUDIENCE, "intruder@demo-test.iam.gserviceaccount.com")],
  ])("runtime emulators refuses %s", async (_name, token) => {
    // Prepare
    const fns = await serve("emulators");
    // Act
    const res = await fns.raw("retryPendingAlerts", tick(await token()));
    // Assess
    expect(res.status).toBe(401);
  });

  it("runtime local does not trust the runtime's key, even with its certificates file configured", async () => {
    // Prepare
    const fns = await serve("local");
    // Act
    const res = await fns.raw("retryPendingAlerts", tick(await trusted.token(AUDIENCE, ACCOUNT)));
    // Assess
    expect(res.status).toBe(401);
  });
});
