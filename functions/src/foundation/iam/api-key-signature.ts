import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { ApiKeyRecord, ApiKeyService } from "./api-keys.js";
import { looksLikeApiKey } from "./api-keys.js";
import type { Principal } from "./model.js";

/**
 * Messages signed with an API key, for channels where no request header carries the key: a
 * gateway publishing usage to a Pub/Sub topic. The key itself never travels or rests in the
 * message (Pub/Sub retains messages, dead letters keep them): the message names the key by its
 * public prefix and carries HMAC-SHA256 (RFC 2104) of the payload text, keyed with the SHA-256 of
 * the key. The platform stores exactly that hash (api-keys.ts), so it can check the signature
 * without ever holding the key, and the tenant comes from the key's record, not from the message.
 *
 * @example
 *   const msg = signWithApiKey(apiKey, JSON.stringify({ events }));
 *   // → { keyPrefix: "cm_AbCdEfGh", signature: "9f…(64 hex)", payload: "{\"events\":[…]}" }
 */
export function signWithApiKey(apiKey: string, payload: string): { keyPrefix: string; signature: string; payload: string } {
  if (!looksLikeApiKey(apiKey)) throw new TypeError("not an API key");
  const keyPrefix = apiKey.split("_", 2).join("_");
  const hash = createHash("sha256").update(apiKey).digest();
  return { keyPrefix, signature: createHmac("sha256", hash).update(payload, "utf8").digest("hex"), payload };
}

/** The key's principal when `signature` is the HMAC of `payload` under an active key with `keyPrefix`, else null. */
export async function verifyApiKeySignature(apiKeys: Pick<ApiKeyService, "findByPrefix">, keyPrefix: string, payload: string, signature: string): Promise<Principal | null> {
  if (!/^[0-9a-f]{64}$/.test(signature)) return null;
  const given = Buffer.from(signature, "hex");
  for (const rec of await apiKeys.findByPrefix(keyPrefix)) {
    const expected = createHmac("sha256", Buffer.from(rec.hash, "hex")).update(payload, "utf8").digest();
    if (timingSafeEqual(expected, given)) return principalOf(rec);
  }
  return null;
}

/** The principal of a key, as a request presenting it would get (authenticate.ts). */
function principalOf(rec: ApiKeyRecord): Principal {
  return { kind: "apiKey", id: rec.prefix, tenantId: rec.tenantId, trustLevel: rec.trustLevel, zones: rec.zones, mfa: false, skills: rec.skills, platformAdmin: false, method: "api-key" };
}
