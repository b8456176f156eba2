import { type IdTokenVerifier, TokenRejected } from "#foundation/iam/id-token.js";

/**
 * For unit-tier tests of the pipeline only: a "token" is `fake.<base64url JSON>` of what firebase-admin
 * would return after verification. The production verification path (signatures, expiry) is tested
 * separately with real signed tokens (test/integration/isolation-forged-tokens.test.ts).
 */
export interface FakeUser {
  uid: string;
  tenantId?: string;
  trustLevel?: number;
  zones?: string[];
  mfa?: boolean;
  platformAdmin?: boolean;
  authTime?: number;
  expired?: boolean;
}

export function fakeToken(u: FakeUser): string {
  const body = Buffer.from(JSON.stringify(u)).toString("base64url");
  // Shaped like a JWT so the pre-auth rate-limit key (unverified `sub`) works as in production.
  const payload = Buffer.from(JSON.stringify({ iss: "https://securetoken.google.com/demo-test", sub: u.uid })).toString("base64url");
  return `fake.${payload}.${body}`;
}

export const fakeVerifier: IdTokenVerifier = async (token) => {
  const parts = token.split(".");
  if (parts[0] !== "fake" || !parts[2]) throw new TokenRejected("invalid");
  let u: FakeUser;
  try {
    u = JSON.parse(Buffer.from(parts[2], "base64url").toString("utf8")) as FakeUser;
  } catch {
    throw new TokenRejected("invalid");
  }
  if (u.expired) throw new TokenRejected("expired");
  const claims: Record<string, unknown> = { uid: u.uid, sub: u.uid };
  if (u.tenantId !== undefined) claims.tenantId = u.tenantId;
  if (u.trustLevel !== undefined) claims.trustLevel = u.trustLevel;
  if (u.zones !== undefined) claims.zones = u.zones;
  if (u.platformAdmin !== undefined) claims.platformAdmin = u.platformAdmin;
  return { uid: u.uid, claims, authTime: u.authTime ?? 1_772_000_000, ...(u.mfa ? { secondFactor: "phone" } : {}) };
};

export const bearer = (u: FakeUser) => ({ authorization: `Bearer ${fakeToken(u)}` });
