import { describe, expect, it } from "vitest";
import { createApiKeyService, hashApiKey } from "#foundation/iam/api-keys.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

describe("API keys", () => {
  it("stores only the hash, verifies the key, and stops it on revoke", async () => {
    // Prepare
    const store = new MemoryDocumentStore();
    const keys = createApiKeyService(store);
    const { key, record } = await keys.create("t1", { name: "ci", skills: ["llm-usage"], zones: ["prod"], trustLevel: 2 }, "admin");
    // Act
    const ok = await keys.verify(key);
    const forged = await keys.verify(`${key.slice(0, -2)}zz`);
    await keys.revoke("t1", record.prefix);
    const after = await keys.verify(key);
    // Assess
    expect(key).toMatch(/^cm_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
    expect(record.hash).toBe(hashApiKey(key));
    // The secret is base64url, which may itself contain "_": cut it off after the prefix, never split.
    const secret = key.slice(record.prefix.length + 1);
    expect(secret).toHaveLength(32);
    expect(JSON.stringify(await store.get(`tenants/t1/api_keys/${record.hash}`))).not.toContain(secret);
    expect(JSON.stringify(await store.get(`api_key_index/${record.hash}`))).not.toContain(secret);
    expect(ok?.tenantId).toBe("t1");
    expect(forged).toBeNull();
    expect(after).toBeNull();
  });

  it("does not revoke another tenant's key", async () => {
    const keys = createApiKeyService(new MemoryDocumentStore());
    const { key, record } = await keys.create("t1", { name: "k", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "a");
    await expect(keys.revoke("t2", record.prefix)).rejects.toMatchObject({ code: "not-found" });
    expect(await keys.verify(key)).not.toBeNull();
  });

  it.each(["", "cm_short", "Bearer x", "cm_AAAAAAAA_", `cm_AAAAAAAA_${"x".repeat(100)}`])("refuses malformed key %j without a lookup", async (k) => {
    expect(await createApiKeyService(new MemoryDocumentStore()).verify(k)).toBeNull();
  });
});
