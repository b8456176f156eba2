import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileSecretStore } from "#adapters/local/file-secret-store.js";
import { describeSecretStoreConformance } from "../../conformance/secret-store.suite.js";

const root = mkdtempSync(join(tmpdir(), "secrets-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `d${n++}`, "secrets.json");

describeSecretStoreConformance(
  "FileSecretStore",
  async (seed) => {
    const store = new FileSecretStore(freshFile());
    for (const [k, v] of Object.entries(seed)) await store.put(k, v);
    return store;
  },
  { writable: true },
);

describe("FileSecretStore on disk", () => {
  it("writes the file with mode 0600 and keeps secrets across instances", async () => {
    // Prepare
    const file = freshFile();
    // Act
    await new FileSecretStore(file).put("cloud-creds/t1/gcp", "s3cret");
    const again = await new FileSecretStore(file).get("cloud-creds/t1/gcp");
    // Assess
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(again).toBe("s3cret");
  });

  it("reports a corrupt file by path, without quoting its content", async () => {
    const file = freshFile();
    await new FileSecretStore(file).put("x", "v");
    writeFileSync(file, "{ hunter2-not-json");
    const err = await new FileSecretStore(file).get("x").catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("not valid JSON");
    expect((err as Error).message).not.toContain("hunter2");
  });

  it("rejects a file of the wrong shape", async () => {
    const file = freshFile();
    await new FileSecretStore(file).put("x", "v");
    writeFileSync(file, JSON.stringify({ version: 1, secrets: { x: 1 } }));
    await expect(new FileSecretStore(file).get("x")).rejects.toThrow(/shape/);
  });

  it("treats __proto__ as an ordinary name", async () => {
    const file = freshFile();
    const store = new FileSecretStore(file);
    expect(await store.get("__proto__")).toBeNull();
    await store.put("__proto__", "v");
    expect(await store.get("__proto__")).toBe("v");
    expect(Object.entries(JSON.parse(readFileSync(file, "utf8")).secrets)).toEqual([["__proto__", "v"]]);
  });
});
