import { describe, expect, it } from "vitest";
import type { SecretStore } from "#kernel/ports.js";

export interface SecretStoreSuiteOptions {
  /** False for stores that only read (environment variables). */
  writable: boolean;
}

/**
 * One behaviour for every SecretStore: memory, file, environment and Secret Manager.
 * `makeStore(seed)` returns a store that already holds `seed`.
 */
export function describeSecretStoreConformance(
  name: string,
  makeStore: (seed: Record<string, string>) => Promise<SecretStore>,
  options: SecretStoreSuiteOptions,
): void {
  describe(`SecretStore conformance: ${name}`, () => {
    const blob = JSON.stringify({ type: "service_account", private_key: "-----BEGIN KEY-----\nabc\n-----END KEY-----\n" });

    it("returns null for an absent secret", async () => {
      const store = await makeStore({});
      expect(await store.get("missing-secret")).toBeNull();
    });

    it.each([
      ["a plain name", "slack-webhook", "https://hooks.example/abc"],
      ["a hierarchical name", "cloud-creds/t1/gcp", blob],
      ["unicode and whitespace in the value", "note", "  päss wörd ✓\n"],
    ])("returns a seeded secret exactly (%s)", async (_label, secretName, value) => {
      const store = await makeStore({ [secretName]: value });
      expect(await store.get(secretName)).toBe(value);
    });

    it.each([
      ["empty", ""],
      ["a space", "a b"],
      ["a parent segment", "../etc/passwd"],
      ["an empty segment", "cloud-creds//gcp"],
      ["a leading slash", "/abs"],
      ["too long", "x".repeat(256)],
    ])("rejects a name that is %s", async (_label, bad) => {
      const store = await makeStore({});
      await expect(store.get(bad)).rejects.toThrow(/invalid secret name/);
    });

    if (options.writable) {
      it("put then get returns the latest value; other names are untouched", async () => {
        const store = await makeStore({ other: "keep" });
        await store.put("cloud-creds/t1/aws", "v1");
        await store.put("cloud-creds/t1/aws", "v2");
        expect(await store.get("cloud-creds/t1/aws")).toBe("v2");
        expect(await store.get("other")).toBe("keep");
      });

      it("delete removes the secret; deleting an absent one is not an error", async () => {
        const store = await makeStore({ gone: "x" });
        await store.delete("gone");
        await store.delete("gone");
        expect(await store.get("gone")).toBeNull();
      });

      it("concurrent puts of different names all persist", async () => {
        const store = await makeStore({});
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`s${i}`, `v${i}`)));
        const values = await Promise.all(Array.from({ length: 20 }, (_, i) => store.get(`s${i}`)));
        expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
      });

      it("rejects a value over 64 KiB, and a bad name on put", async () => {
        const store = await makeStore({});
        await expect(store.put("big", "x".repeat(65_537))).rejects.toThrow(/64 KiB/);
        await expect(store.put("bad name", "v")).rejects.toThrow(/invalid secret name/);
        expect(await store.get("big")).toBeNull();
      });
    } else {
      it("refuses put and delete", async () => {
        const store = await makeStore({ fixed: "v" });
        await expect(store.put("fixed", "w")).rejects.toThrow(/read-only/);
        await expect(store.delete("fixed")).rejects.toThrow(/read-only/);
        expect(await store.get("fixed")).toBe("v");
      });
    }
  });
}
