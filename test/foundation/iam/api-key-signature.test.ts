import { createHmac, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWithApiKey, verifyApiKeySignature } from "#foundation/iam/api-key-signature.js";
import { createApiKeyService } from "#foundation/iam/api-keys.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

describe("messages signed with an API key", () => {
  it("is HMAC-SHA256 of the payload keyed with the SHA-256 of the key, naming the key by its prefix only", async () => {
    const keys = createApiKeyService(new MemoryDocumentStore());
    const { key, record } = await keys.create("t1", { name: "gw", skills: ["llm-usage"], zones: ["prod"], trustLevel: 2 }, "admin");
    const msg = signWithApiKey(key, '{"events":[]}');
    // What a gateway in any language computes (RFC 2104 HMAC over the exact payload text).
    const expected = createHmac("sha256", createHash("sha256").update(key).digest()).update('{"events":[]}').digest("hex");
    expect(msg).toEqual({ keyPrefix: record.prefix, signature: expected, payload: '{"events":[]}' });
    expect(JSON.stringify(msg)).not.toContain(key.slice(record.prefix.length + 1));
    expect(await verifyApiKeySignature(keys, msg.keyPrefix, msg.payload, msg.signature)).toMatchObject({ kind: "apiKey", id: record.prefix, tenantId: "t1", skills: ["llm-usage"], trustLevel: 2 });
  });

  it("refuses a changed payload, another key's signature, a revoked key and a malformed signature", async () => {
    const keys = createApiKeyService(new MemoryDocumentStore());
    const a = await keys.create("t1", { name: "a", skills: ["llm-usage"], zones: ["prod"], trustLevel: 2 }, "admin");
    const b = await keys.create("t2", { name: "b", skills: ["llm-usage"], zones: ["prod"], trustLevel: 2 }, "admin");
    const msg = signWithApiKey(a.key, "payload");
    expect(await verifyApiKeySignature(keys, msg.keyPrefix, "payload ", msg.signature)).toBeNull();
    expect(await verifyApiKeySignature(keys, b.record.prefix, msg.payload, msg.signature)).toBeNull();
    expect(await verifyApiKeySignature(keys, msg.keyPrefix, msg.payload, msg.signature.toUpperCase())).toBeNull();
    expect(await verifyApiKeySignature(keys, msg.keyPrefix, msg.payload, "00")).toBeNull();
    await keys.revoke("t1", a.record.prefix);
    expect(await verifyApiKeySignature(keys, msg.keyPrefix, msg.payload, msg.signature)).toBeNull();
    expect(await keys.findByPrefix(a.record.prefix)).toEqual([]);
    expect(await keys.findByPrefix(b.record.prefix)).toEqual([expect.objectContaining({ tenantId: "t2" })]);
    expect(await keys.findByPrefix("cm_../../x")).toEqual([]);
  });
});
