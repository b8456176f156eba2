import { describe, expect, it } from "vitest";
import { bigQueryApiFactory } from "#adapters/billing/bigquery-billing-client.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { createCredentialStore } from "#foundation/infrastructure/credential-store.js";
import { MemorySecretStore } from "../../../../fakes/memory-secret-store.js";

const account: CloudAccountRef = { tenantId: "tenant-g", accountId: "gcp-billing", provider: "gcp", scope: {}, environment: "prod" };

describe("bigQueryApiFactory", () => {
  it("caches one client per account, with or without a key of its own", async () => {
    // Prepare
    const factory = bigQueryApiFactory(createCredentialStore(new MemorySecretStore()), { projectId: "billing-admin" });

    // Act
    const a = await factory(account);
    const b = await factory(account);

    // Assess
    expect(a).toBe(b);
    expect(typeof a.createQueryJob).toBe("function");
  });

  it.each([
    ["not JSON", "nope", /is unreadable: .*not valid JSON/],
    ["not a key", "{\"client_email\":\"x\"}", /not a service-account key/],
  ])("refuses a cloud-creds/{tenant}/{account} secret that is %s", async (_label, value, message) => {
    const factory = bigQueryApiFactory(createCredentialStore(new MemorySecretStore({ "cloud-creds/tenant-g/gcp-billing": value })), { projectId: "billing-admin" });
    await expect(factory(account)).rejects.toThrow(message);
  });
});
