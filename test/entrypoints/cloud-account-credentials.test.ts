import type { CostExplorer } from "@aws-sdk/client-cost-explorer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costExplorerClientFactory } from "#adapters/billing/aws-cost-explorer-client.js";
import { CloudAccountDocSchema, toAccountRef } from "#domain/billing/cloud-account.js";
import { getDeps } from "../../functions/src/deps.js";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, fakeVerifier } from "./support/fake-id-tokens.js";

/**
 * Credentials are stored per cloud account: two AWS accounts of one tenant, connected through the
 * callable, each keep their own keys, each account's client is built from its own, and
 * disconnecting one removes exactly its secret.
 */
const T = "tenant-two-aws";
const admin = bearer({ uid: "acct-admin", tenantId: T, trustLevel: 4, mfa: true, zones: ["nonprod", "prod", "admin"] });

const connect = (accountId: string, accessKeyId: string, secretAccessKey: string) => ({
  accountId,
  provider: "aws",
  billingAccountId: `payer-of-${accountId}`,
  subAccountId: "111111111111",
  environment: "prod",
  scope: { payerAccountId: "111111111111", linkedAccountIds: ["111111111111"] },
  credentials: { accessKeyId, secretAccessKey },
});

describe("credentials per cloud account", () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier });
  });
  afterAll(async () => app.close());

  /** The account's client as the nightly's factory builds it, and the access key it signs with. */
  async function keyOfClient(accountId: string): Promise<string> {
    const doc = CloudAccountDocSchema.parse(await app.documents.get(`tenants/${T}/cloud_accounts/${accountId}`));
    const factory = costExplorerClientFactory((await getDeps()).credentials, { endpoint: "http://127.0.0.1:9" });
    const client = (await factory(toAccountRef(T, accountId, doc))) as CostExplorer;
    return (await client.config.credentials()).accessKeyId;
  }

  it("keeps two AWS accounts of one tenant apart, end to end", async () => {
    // Act
    const first = await app.call("connectCloudAccount", connect("aws-payer-1", "AKIDFIRST", "first-secret"), admin);
    const second = await app.call("connectCloudAccount", connect("aws-payer-2", "AKIDSECOND", "second-secret"), admin);
    // Assess: each account's secret and reference are its own
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.result).toMatchObject({ id: "aws-payer-1", secretRef: `cloud-creds/${T}/aws-payer-1` });
    expect(second.body.result).toMatchObject({ id: "aws-payer-2", secretRef: `cloud-creds/${T}/aws-payer-2` });
    expect(JSON.parse((await app.secrets.get(`cloud-creds/${T}/aws-payer-1`)) ?? "null")).toEqual({ accessKeyId: "AKIDFIRST", secretAccessKey: "first-secret" });
    expect(JSON.parse((await app.secrets.get(`cloud-creds/${T}/aws-payer-2`)) ?? "null")).toEqual({ accessKeyId: "AKIDSECOND", secretAccessKey: "second-secret" });
    expect(await app.secrets.get(`cloud-creds/${T}/aws`)).toBeNull();
    // Assess: each account's client signs with its own keys
    expect(await keyOfClient("aws-payer-1")).toBe("AKIDFIRST");
    expect(await keyOfClient("aws-payer-2")).toBe("AKIDSECOND");
  });

  it("disconnecting one account deletes exactly its credentials", async () => {
    // Prepare
    await app.call("connectCloudAccount", connect("aws-gone", "AKIDGONE", "gone-secret"), admin);
    await app.call("connectCloudAccount", connect("aws-kept", "AKIDKEPT", "kept-secret"), admin);
    // Act
    const r = await app.call("disconnectCloudAccount", { accountId: "aws-gone" }, admin);
    // Assess
    expect(r.body.result).toEqual({ id: "aws-gone", disconnected: true });
    expect(await app.secrets.get(`cloud-creds/${T}/aws-gone`)).toBeNull();
    expect(await app.secrets.get(`cloud-creds/${T}/aws-kept`)).not.toBeNull();
    expect(await keyOfClient("aws-kept")).toBe("AKIDKEPT");
  });

  it("refuses an account id that cannot name a secret, before writing anything", async () => {
    const r = await app.call("connectCloudAccount", connect("aws~3", "AKIDTHIRD", "third-secret"), admin);

    expect(r.body.error?.status).toBe("INVALID_ARGUMENT");
    expect(await app.documents.get(`tenants/${T}/cloud_accounts/aws~3`)).toBeNull();
  });
});
