import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { AppError } from "#kernel/errors.js";
import type { SecretStore } from "#kernel/ports.js";
import {
  createCredentialStore,
  credentialSecretName,
} from "#foundation/infrastructure/credential-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { FakeClock } from "../secops/fake-clock.js";

const CANARY = "CANARY-7f3a9c-do-not-log";
const AWS = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: CANARY };

function countingSecrets(initial: Record<string, string> = {}) {
  const inner = new MemorySecretStore(initial);
  const secrets: SecretStore & { gets: ReturnType<typeof vi.fn<(name: string) => void>> } = {
    gets: vi.fn<(name: string) => void>(),
    async get(name) {
      secrets.gets(name);
      return inner.get(name);
    },
    put: (name, value) => inner.put(name, value),
    delete: (name) => inner.delete(name),
  };
  return secrets;
}

describe("createCredentialStore", () => {
  it("fetches on first use from cloud-creds/{tenant}/{account}, then serves from cache until max age", async () => {
    // Prepare
    const clock = new FakeClock();
    const secrets = countingSecrets({ "cloud-creds/t1/aws-payer": JSON.stringify(AWS) });
    const store = createCredentialStore(secrets, { clock, maxAgeMs: 5 * 60_000 });
    // Act
    const first = await store.get("t1", "aws-payer");
    clock.advance(5 * 60_000 - 1);
    await store.get("t1", "aws-payer");
    const fetchesWithinMaxAge = secrets.gets.mock.calls.length;
    clock.advance(1);
    await store.get("t1", "aws-payer");
    // Assess
    expect({ ...first }).toEqual(AWS);
    expect(fetchesWithinMaxAge).toBe(1);
    expect(secrets.gets).toHaveBeenCalledTimes(2);
    expect(secrets.gets).toHaveBeenCalledWith("cloud-creds/t1/aws-payer");
  });

  it("keeps two accounts of one provider in one tenant apart", async () => {
    // Prepare
    const secrets = countingSecrets();
    const store = createCredentialStore(secrets, { clock: new FakeClock() });
    // Act
    await store.put("t1", "aws-1", { accessKeyId: "AKID1", secretAccessKey: "one" });
    await store.put("t1", "aws-2", { accessKeyId: "AKID2", secretAccessKey: "two" });
    await store.delete("t1", "aws-1");
    // Assess
    expect(await secrets.get("cloud-creds/t1/aws-1")).toBeNull();
    expect(JSON.parse((await secrets.get("cloud-creds/t1/aws-2")) ?? "null")).toEqual({ accessKeyId: "AKID2", secretAccessKey: "two" });
    expect(await store.get("t1", "aws-1")).toBeNull();
    expect((await store.get("t1", "aws-2"))?.accessKeyId).toBe("AKID2");
  });

  it("shares one fetch between concurrent first uses", async () => {
    const secrets = countingSecrets({ "cloud-creds/t1/gcp-1": JSON.stringify({ key: "k" }) });
    const store = createCredentialStore(secrets, { clock: new FakeClock() });

    await Promise.all(Array.from({ length: 10 }, () => store.get("t1", "gcp-1")));

    expect(secrets.gets).toHaveBeenCalledTimes(1);
  });

  it("returns null for absent credentials and does not cache the absence", async () => {
    const secrets = countingSecrets();
    const store = createCredentialStore(secrets, { clock: new FakeClock() });

    const absent = await store.get("t1", "azure-sub");
    await secrets.put("cloud-creds/t1/azure-sub", JSON.stringify({ clientSecret: "s" }));
    const present = await store.get("t1", "azure-sub");

    expect(absent).toBeNull();
    expect(present?.clientSecret).toBe("s");
  });

  it("writes through on put and forgets on delete", async () => {
    const secrets = countingSecrets();
    const store = createCredentialStore(secrets, { clock: new FakeClock() });

    await store.put("t1", "a1", AWS);
    const afterPut = await store.get("t1", "a1");
    const fetchesAfterPut = secrets.gets.mock.calls.length;
    const stored = await secrets.get("cloud-creds/t1/a1");
    await store.delete("t1", "a1");
    const afterDelete = await store.get("t1", "a1");

    expect(stored).toBe(JSON.stringify(AWS));
    expect(afterPut?.secretAccessKey).toBe(CANARY);
    expect(fetchesAfterPut).toBe(0); // put primed the cache
    expect(afterDelete).toBeNull();
  });

  it("hands out copies, so a caller cannot poison the cache", async () => {
    const store = createCredentialStore(countingSecrets(), { clock: new FakeClock() });
    await store.put("t1", "aws", AWS);

    const a = await store.get("t1", "aws");
    if (a) a.secretAccessKey = "changed";

    expect((await store.get("t1", "aws"))?.secretAccessKey).toBe(CANARY);
  });

  it("prefetches at cold start and ignores failures there", async () => {
    const secrets = countingSecrets({ "cloud-creds/t1/a1": JSON.stringify(AWS), "cloud-creds/t2/a1": "not json" });
    const store = createCredentialStore(secrets, { clock: new FakeClock() });

    await store.prefetch([
      { tenantId: "t1", accountId: "a1" },
      { tenantId: "t2", accountId: "a1" },
    ]);
    await store.get("t1", "a1");

    expect(secrets.gets).toHaveBeenCalledTimes(2);
    await expect(store.get("t2", "a1")).rejects.toThrow("credentials at cloud-creds/t2/a1 are not valid JSON");
  });

  it("never shows the secret value through JSON.stringify, util.inspect, String or console.log", async () => {
    // Prepare
    const store = createCredentialStore(countingSecrets(), { clock: new FakeClock() });
    await store.put("t1", "aws", AWS);
    const creds = await store.get("t1", "aws");
    const logged: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" "));
    });
    // Act
    console.log("store", store, "creds", creds, { nested: { creds } });
    spy.mockRestore();
    const renderings = [
      JSON.stringify(store),
      JSON.stringify(creds),
      JSON.stringify({ deep: [creds] }),
      inspect(store, { depth: 10, showHidden: true }),
      inspect(creds, { depth: 10 }),
      String(creds),
      `${creds}`,
      ...logged,
    ];
    // Assess
    for (const text of renderings) expect(text).not.toContain(CANARY);
    expect(JSON.stringify(creds)).toBe('"[REDACTED]"');
    expect(creds?.secretAccessKey).toBe(CANARY); // still usable by the SDK client
    expect(Object.keys(creds ?? {})).toEqual(["accessKeyId", "secretAccessKey"]);
  });

  it("keeps the secret out of error messages for malformed stored values", async () => {
    const secrets = countingSecrets({ "cloud-creds/t1/a1": `{"secretAccessKey": "${CANARY}"` });
    const store = createCredentialStore(secrets, { clock: new FakeClock() });

    const error = await store.get("t1", "a1").catch((e: Error) => e);

    expect(String(error)).not.toContain(CANARY);
    expect(String(error)).toMatch(/not valid JSON/);
  });

  it.each([
    ["../t2", "a1"],
    ["t1/../../x", "a1"],
    ["", "a1"],
    ["t1", "../a1"],
    ["t1", "a1/x"],
    ["t1", ""],
    ["t1", "."],
    ["t1", ".."],
    ["t1", "a~1"],
    ["t1", "x".repeat(129)],
    ["t1\n", "a1"],
    [".", "a1"],
    ["t".repeat(128), "a".repeat(128)],
  ])("rejects tenant %j / account %j (no path traversal, nothing a secret name cannot hold)", async (tenantId, accountId) => {
    const store = createCredentialStore(countingSecrets(), { clock: new FakeClock() });

    expect(() => credentialSecretName(tenantId, accountId)).toThrow(AppError);
    await expect(store.get(tenantId, accountId)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(store.put(tenantId, accountId, { a: "b" })).rejects.toMatchObject({ code: "invalid-argument" });
  });

  it("names an account's secret after the tenant and the account", () => {
    expect(credentialSecretName("acme", "3f9c2a10-7d4e-4b8a-9c1f-2e6d5b4a3c21")).toBe("cloud-creds/acme/3f9c2a10-7d4e-4b8a-9c1f-2e6d5b4a3c21");
    expect(credentialSecretName("acme_eu", "payer.main")).toBe("cloud-creds/acme_eu/payer.main");
  });

  it.each([{}, { a: 1 }, null, ["x"]])("rejects malformed credentials %j on put", async (creds) => {
    const store = createCredentialStore(countingSecrets(), { clock: new FakeClock() });

    await expect(store.put("t1", "a1", creds as never)).rejects.toThrow(TypeError);
  });
});
