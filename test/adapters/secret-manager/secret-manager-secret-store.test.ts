import { inspect } from "node:util";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretManagerSecretStore } from "#adapters/secret-manager/secret-manager-secret-store.js";
import { AppError } from "#kernel/errors.js";
import { describeSecretStoreConformance } from "../../conformance/secret-store.suite.js";
import { type SecretManagerServer, startSecretManagerServer } from "../../support/replay/secret-manager-server.js";

/**
 * The Secret Manager store through the official client's REST transport (`fallback: true`)
 * against test/support/replay/secret-manager-server.ts, a local server that speaks Secret
 * Manager v1's REST shapes as Google's REST reference documents them.
 */
const HOUR = 3_600_000;
const GRACE = 24 * HOUR;
const T0 = new Date("2026-03-01T00:00:00Z");

let server: SecretManagerServer;
const stores: SecretManagerSecretStore[] = [];
let n = 0;

beforeAll(async () => {
  server = await startSecretManagerServer({ now: T0 });
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await server.close();
});

function authClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: "test-access-token", expiry_date: Date.now() + HOUR });
  return client;
}

/** A store on a project of its own, so that tests do not see each other's secrets. */
function freshStore(over: { rotationGraceMs?: number; attempts?: number } = {}): { store: SecretManagerSecretStore; project: string } {
  const project = `test-project-${++n}`;
  const store = new SecretManagerSecretStore({
    projectId: project,
    apiEndpoint: server.url,
    authClient: authClient(),
    rotationGraceMs: over.rotationGraceMs ?? GRACE,
    retry: { attempts: over.attempts ?? 3, baseMs: 1, maxMs: 5 },
  });
  stores.push(store);
  return { store, project };
}

const callsOn = (project: string) => server.calls.filter((c) => c.project === project);

describeSecretStoreConformance(
  "SecretManagerSecretStore over REST",
  async (seed) => {
    const { store } = freshStore();
    for (const [k, v] of Object.entries(seed)) await store.put(k, v);
    return store;
  },
  { writable: true },
);

describe("SecretManagerSecretStore on the wire", () => {
  it("round trip: creates the secret with labels on first put, sends the payload with its CRC-32C, reads latest", async () => {
    // Prepare
    const { store, project } = freshStore();
    const value = JSON.stringify({ accessKeyId: "AKID", secretAccessKey: "wJalr/K7MDENG+bPxRfi" });
    // Act
    await store.put("cloud-creds/acme/aws-payer.1", value);
    const read = await store.get("cloud-creds/acme/aws-payer.1");
    // Assess
    expect(read).toBe(value);
    expect(callsOn(project).map((c) => [c.rpc, c.status])).toEqual([
      ["AddSecretVersion", 404],
      ["CreateSecret", 200],
      ["AddSecretVersion", 200],
      ["AccessSecretVersion", 200],
    ]);
    const created = server.requests.find((r) => r.method === "POST" && r.url.startsWith(`/v1/projects/${project}/secrets?`));
    expect(new URL(created?.url ?? "", "http://x").searchParams.get("secretId")).toBe("cloud-creds__acme__aws-payer_d1");
    expect(JSON.parse(created?.body ?? "{}")).toMatchObject({
      replication: { automatic: {} },
      labels: { "managed-by": "costmon", kind: "cloud-creds", tenant: "acme" },
    });
    const added = server.requests.filter((r) => r.url.startsWith(`/v1/projects/${project}/secrets/cloud-creds__acme__aws-payer_d1:addVersion`)).at(-1);
    const body = JSON.parse(added?.body ?? "{}") as { payload: { data: string; dataCrc32c: string } };
    expect(Buffer.from(body.payload.data, "base64").toString("utf8")).toBe(value);
    expect(body.payload.dataCrc32c).toMatch(/^\d+$/); // int64 as a JSON string; the server checks it
    expect(server.secret(project, "cloud-creds__acme__aws-payer_d1")?.versions.map((v) => v.state)).toEqual(["ENABLED"]);
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer test-access-token");
  });

  it("404: an absent secret reads as null, and deleting it is not an error", async () => {
    const { store, project } = freshStore();

    const value = await store.get("cloud-creds/acme/nothing-here");
    await store.delete("cloud-creds/acme/nothing-here");

    expect(value).toBeNull();
    expect(callsOn(project).map((c) => [c.rpc, c.status])).toEqual([
      ["AccessSecretVersion", 404],
      ["DeleteSecret", 404],
    ]);
  });

  it("403: refuses with permission-denied, not retried, naming the secret and never the value or the project", async () => {
    // Prepare
    const { store, project } = freshStore();
    server.deny("cloud-creds__acme__locked");
    const value = "CANARY-secret-value-3b1f";
    // Act
    const errors = await Promise.all([
      store.get("cloud-creds/acme/locked").catch((e: unknown) => e),
      store.put("cloud-creds/acme/locked", value).catch((e: unknown) => e),
      store.delete("cloud-creds/acme/locked").catch((e: unknown) => e),
    ]);
    // Assess
    for (const err of errors) {
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "permission-denied", retryable: false });
      expect((err as Error).message).toContain("cloud-creds/acme/locked");
      expect((err as Error).message).not.toContain(project);
      const rendered = `${inspect(err, { depth: 5 })} ${JSON.stringify(err)}`;
      expect(rendered).not.toContain(value);
      expect(rendered).not.toContain(Buffer.from(value).toString("base64"));
    }
    expect(callsOn(project)).toHaveLength(3); // one each: a refusal is final
  });

  it("retries UNAVAILABLE and a damaged payload, then succeeds", async () => {
    const { store, project } = freshStore();
    await store.put("s", "v1");
    const before = callsOn(project).length;

    server.failNext(1, 503);
    server.corruptNextAccess(1);
    const value = await store.get("s");

    expect(value).toBe("v1");
    expect(callsOn(project).slice(before).map((c) => c.status)).toEqual([503, 200, 200]);
  });

  it.each([
    [429, "resource-exhausted"],
    [503, "unavailable"],
    [500, "internal"],
  ] as const)("gives up on a lasting %i after its attempts, as a retryable %s", async (http, code) => {
    const { store, project } = freshStore({ attempts: 3 });

    server.failNext(3, http);
    const err = await store.get("anything").catch((e: unknown) => e);

    expect(err).toMatchObject({ code, retryable: true });
    expect(callsOn(project)).toHaveLength(3);
  });

  it.each(["DISABLED", "DESTROYED"] as const)("a %s latest version fails with failed-precondition and never falls back to an older one", async (state) => {
    // Prepare: v1 enabled, v2 (latest) withdrawn by an operator
    const { store, project } = freshStore();
    await store.put("cloud-creds/acme/a1", "old-value");
    await store.put("cloud-creds/acme/a1", "new-value");
    server.setVersionState(project, "cloud-creds__acme__a1", 2, state);
    // Act
    const err = await store.get("cloud-creds/acme/a1").catch((e: unknown) => e);
    // Assess
    expect(err).toMatchObject({ code: "failed-precondition", retryable: false });
    expect((err as Error).message).toBe(`secret cloud-creds/acme/a1 cannot be read: its latest version is ${state}; put a new value or enable it`);
    expect(inspect(err, { depth: 5 })).not.toMatch(/old-value|new-value/);
    expect(callsOn(project).filter((c) => c.rpc === "AccessSecretVersion")).toHaveLength(1);
  });

  it("a new value after a disabled one is read again", async () => {
    const { store, project } = freshStore();
    await store.put("s", "v1");
    server.setVersionState(project, "s", 1, "DISABLED");

    await store.put("s", "v2");

    expect(await store.get("s")).toBe("v2");
  });
});

describe("rotation with a grace period", () => {
  it("keeps the previous version enabled through the grace, then disables it; the latest is read throughout", async () => {
    // Prepare: v1 at T0, v2 an hour later
    const { store, project } = freshStore();
    server.setNow(T0);
    await store.put("cloud-creds/acme/a1", "first-credential");
    const rotatedAt = new Date(T0.getTime() + HOUR);
    server.setNow(rotatedAt);
    await store.put("cloud-creds/acme/a1", "second-credential");
    const states = () => server.secret(project, "cloud-creds__acme__a1")?.versions.map((v) => v.state);
    // Act
    const duringGrace = await store.disableExpiredVersions(new Date(rotatedAt.getTime() + GRACE - 1));
    const statesDuringGrace = states();
    const afterGrace = await store.disableExpiredVersions(new Date(rotatedAt.getTime() + GRACE));
    const again = await store.disableExpiredVersions(new Date(rotatedAt.getTime() + 10 * GRACE));
    // Assess
    expect(duringGrace).toEqual({ checked: 1, disabled: [], failed: [] });
    expect(statesDuringGrace).toEqual(["ENABLED", "ENABLED"]);
    expect(afterGrace).toEqual({ checked: 1, disabled: [{ name: "cloud-creds/acme/a1", version: 1 }], failed: [] });
    expect(states()).toEqual(["DISABLED", "ENABLED"]);
    expect(again.disabled).toEqual([]); // the newest is never disabled, nor a version twice
    expect(await store.get("cloud-creds/acme/a1")).toBe("second-credential");
  });

  it("cleans up only the secrets it manages, or the names it is given", async () => {
    // Prepare: one managed secret rotated twice, one secret made by another tool
    const { store, project } = freshStore({ rotationGraceMs: 0 });
    server.setNow(T0);
    await store.put("alert-secrets/acme/slack", "w1");
    await store.put("alert-secrets/acme/slack", "w2");
    await store.put("alert-secrets/acme/slack", "w3");
    server.seed(project, "someone-elses", ["x1", "x2"]);
    // Act
    const all = await store.disableExpiredVersions(T0);
    const named = await store.disableExpiredVersions(T0, ["alert-secrets/acme/slack", "never-created"]);
    // Assess
    expect(all).toEqual({
      checked: 1,
      disabled: [
        { name: "alert-secrets/acme/slack", version: 1 },
        { name: "alert-secrets/acme/slack", version: 2 },
      ],
      failed: [],
    });
    expect(server.secret(project, "someone-elses")?.versions.map((v) => v.state)).toEqual(["ENABLED", "ENABLED"]);
    expect(named).toEqual({ checked: 1, disabled: [], failed: [] });
    expect(callsOn(project).find((c) => c.rpc === "ListSecrets")?.status).toBe(200);
    expect(server.requests.some((r) => r.url.includes("filter=labels.managed-by%3Dcostmon"))).toBe(true);
    // Three versions come in two pages: the second one was asked for.
    expect(server.requests.some((r) => r.url.includes("/secrets/alert-secrets__acme__slack/versions?") && r.url.includes("pageToken="))).toBe(true);
  });

  it("reports a secret it may not rotate and carries on with the others", async () => {
    const { store, project } = freshStore({ rotationGraceMs: 0 });
    server.setNow(T0);
    await store.put("cloud-creds/t1/open", "a");
    await store.put("cloud-creds/t1/open", "b");
    server.seed(project, "cloud-creds__t1__shut", ["c", "d"], { "managed-by": "costmon" });
    server.deny("cloud-creds__t1__shut");

    const report = await store.disableExpiredVersions(T0);

    expect(report).toEqual({
      checked: 1,
      disabled: [{ name: "cloud-creds/t1/open", version: 1 }],
      failed: [{ name: "cloud-creds/t1/shut", code: "permission-denied", retryable: false }],
    });
  });
});

describe("SecretManagerSecretStore options", () => {
  it.each([
    [{ projectId: "Bad_Project" }, /projectId/],
    [{ projectId: "costmon-prod", rotationGraceMs: -1 }, /rotationGraceMs/],
    [{ projectId: "costmon-prod", apiEndpoint: "ftp://127.0.0.1:1" }, /apiEndpoint/],
    [{ projectId: "costmon-prod", retry: { attempts: 0 } }, /retry.attempts/],
  ])("refuses %j", (options, message) => {
    expect(() => new SecretManagerSecretStore(options)).toThrow(message);
    expect(() => new SecretManagerSecretStore(options)).toThrow(AppError);
  });

  it("refuses a name whose Secret Manager id would be too long, before any call", async () => {
    const { store, project } = freshStore();
    const name = `x/${"_".repeat(127)}`;

    await expect(store.get(name)).rejects.toMatchObject({ code: "invalid-argument", message: expect.stringMatching(/^invalid secret name: too long/) });
    expect(callsOn(project)).toHaveLength(0);
  });
});
