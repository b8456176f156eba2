import { AppError } from "#kernel/errors.js";
import type { ApiKeyService } from "./api-keys.js";
import type { OidcVerifier } from "./google-oidc.js";
import { type IdTokenVerifier, TokenRejected } from "./id-token.js";
import { type Principal, servicePrincipal, type TrustLevel, UserClaimsSchema } from "./model.js";

/**
 * F1 authentication: turns the presented credential into a {@link Principal}, or throws
 * `unauthenticated` (bad credential; counts toward the brute-force lockout) or
 * `permission-denied` (a valid user without tenant claims; does not count).
 */
export type AuthMethod = "id-token" | "api-key" | "oidc";

export interface AuthenticatorDeps {
  verifyIdToken: IdTokenVerifier;
  apiKeys: Pick<ApiKeyService, "verify">;
  verifyOidc?: OidcVerifier;
}

export type Headers = Record<string, string | string[] | undefined>;
export type Authenticator = (headers: Headers, allowed: readonly AuthMethod[]) => Promise<Principal>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The bearer token of `Authorization`, if any. */
export function bearerToken(headers: Headers): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header(headers, "authorization") ?? "");
  return m?.[1];
}

/**
 * Unverified `iss` and `sub` of a JWT, to route it to the right verifier. Never trusted for
 * anything else: not even a rate-limit bucket, which anyone could then drain in another's name.
 */
export function peekJwt(token: string): { iss?: string; sub?: string } {
  const part = token.split(".")[1];
  if (!part) return {};
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (payload === null || typeof payload !== "object") return {};
    const { iss, sub } = payload as { iss?: unknown; sub?: unknown };
    return { ...(typeof iss === "string" ? { iss } : {}), ...(typeof sub === "string" ? { sub } : {}) };
  } catch {
    return {};
  }
}

const fail = (reason: string, cause?: unknown) =>
  new AppError("unauthenticated", "invalid or missing credentials", { details: { reason }, cause });

/**
 * @example
 *   const authenticate = createAuthenticator({ verifyIdToken, apiKeys });
 *   const principal = await authenticate(req.headers, ["id-token", "api-key"]);
 */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  async function viaApiKey(key: string): Promise<Principal> {
    const rec = await deps.apiKeys.verify(key);
    if (!rec) throw fail("unknown-or-revoked-api-key");
    return {
      kind: "apiKey",
      id: rec.prefix,
      tenantId: rec.tenantId,
      trustLevel: rec.trustLevel,
      zones: rec.zones,
      mfa: false,
      skills: rec.skills,
      platformAdmin: false,
      method: "api-key",
    };
  }

  async function viaIdToken(token: string): Promise<Principal> {
    let verified: Awaited<ReturnType<IdTokenVerifier>>;
    try {
      verified = await deps.verifyIdToken(token);
    } catch (err) {
      if (err instanceof TokenRejected) throw fail(`id-token-${err.reason}`, err);
      throw new AppError("unavailable", "identity service unavailable", { cause: err, retryable: true });
    }
    const claims = UserClaimsSchema.safeParse(verified.claims);
    if (!claims.success) {
      throw new AppError("permission-denied", "account is not provisioned for a tenant", {
        details: { reason: "missing-claims" },
      });
    }
    const c = claims.data;
    return {
      kind: "user",
      id: verified.uid,
      tenantId: c.tenantId,
      trustLevel: c.trustLevel as TrustLevel,
      zones: c.zones,
      mfa: verified.secondFactor !== undefined,
      skills: "all",
      platformAdmin: c.platformAdmin === true && c.trustLevel === 4,
      authTime: verified.authTime,
      method: "id-token",
    };
  }

  async function viaOidc(token: string): Promise<Principal> {
    if (!deps.verifyOidc) throw fail("oidc-not-configured");
    try {
      return servicePrincipal((await deps.verifyOidc(token)).email);
    } catch (err) {
      throw fail("invalid-oidc-token", err);
    }
  }

  return async function authenticate(headers, allowed) {
    const key = header(headers, "x-api-key");
    if (key !== undefined) {
      if (!allowed.includes("api-key")) throw fail("api-key-not-accepted-here");
      return viaApiKey(key);
    }
    const token = bearerToken(headers);
    if (!token) throw fail("no-credentials");
    const iss = peekJwt(token).iss ?? "";
    const isOidc = iss === "https://accounts.google.com" || iss === "accounts.google.com";
    if (isOidc) {
      if (!allowed.includes("oidc")) throw fail("oidc-not-accepted-here");
      return viaOidc(token);
    }
    if (!allowed.includes("id-token")) throw fail("id-token-not-accepted-here");
    return viaIdToken(token);
  };
}
