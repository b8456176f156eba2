import { describe, expect, it } from "vitest";
import {
  costManagementApiFactory,
  costManagementRetryAfterPolicy,
} from "#adapters/billing/azure-cost-management-client.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { createCredentialStore } from "#foundation/infrastructure/credential-store.js";
import { MemorySecretStore } from "../../../../fakes/memory-secret-store.js";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";

const account: CloudAccountRef = {
  tenantId: "tenant-z",
  accountId: "azure-main",
  provider: "azure",
  scope: { scopeType: "subscription", subscriptionId: "11111111-1111-1111-1111-111111111111" },
  environment: "prod",
};

describe("costManagementApiFactory", () => {
  it("builds one client per account from cloud-creds/{tenant}/{account}", async () => {
    // Prepare
    const secrets = new MemorySecretStore({
      "cloud-creds/tenant-z/azure-main": JSON.stringify({ tenantId: "aad-tenant", clientId: "app-id", clientSecret: "s3cr3t" }),
    });
    const factory = costManagementApiFactory(createCredentialStore(secrets));

    // Act
    const a = await factory(account);
    const b = await factory(account);

    // Assess
    expect(a).toBe(b);
    expect(typeof a.usage).toBe("function");
  });

  it.each([
    ["missing", {}, /is missing/],
    ["not JSON", { "cloud-creds/tenant-z/azure-main": "{" }, /is unreadable: .*not valid JSON/],
    ["incomplete", { "cloud-creds/tenant-z/azure-main": "{\"clientSecret\":\"s3cr3t-value\"}" }, /lacks tenantId/],
  ])("refuses a secret that is %s without echoing it", async (_label, initial, message) => {
    const factory = costManagementApiFactory(createCredentialStore(new MemorySecretStore(initial as Record<string, string>)));
    const err = await factory(account).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("s3cr3t-value");
  });
});

describe("costManagementRetryAfterPolicy", () => {
  const respond = (status: number, headers: Record<string, string>) => async (): Promise<PipelineResponse> => ({
    status,
    headers: createHttpHeaders(headers),
    request: createPipelineRequest({ url: "https://management.azure.com/x" }),
  });

  it.each([
    ["qpu", { "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "7" }, "7"],
    ["entity", { "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after": "3" }, "3"],
    ["tenant and client (largest wins)", { "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after": "2", "x-ms-ratelimit-microsoft.costmanagement-client-retry-after": "9" }, "9"],
    ["none (default)", {}, "4"],
  ])("maps the %s header onto retry-after on a 429", async (_label, headers, expected) => {
    // Prepare
    const policy = costManagementRetryAfterPolicy({ defaultRetryAfterSeconds: 4 });

    // Act
    const res = await policy.sendRequest(createPipelineRequest({ url: "https://management.azure.com/x" }), respond(429, headers));

    // Assess
    expect(res.headers.get("retry-after")).toBe(expected);
  });

  it("leaves a 200 and an explicit Retry-After alone", async () => {
    const policy = costManagementRetryAfterPolicy({ defaultRetryAfterSeconds: 4 });
    const ok = await policy.sendRequest(createPipelineRequest({ url: "https://x" }), respond(200, {}));
    const explicit = await policy.sendRequest(createPipelineRequest({ url: "https://x" }), respond(429, { "retry-after": "1", "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "60" }));
    expect(ok.headers.has("retry-after")).toBe(false);
    expect(explicit.headers.get("retry-after")).toBe("1");
  });
});
