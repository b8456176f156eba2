import type { OAuthProtectedResourceMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";
import { bearerToken, type Headers } from "#foundation/iam/authenticate.js";
import type { Principal } from "#foundation/iam/model.js";
import { AppError } from "#kernel/errors.js";

/**
 * OAuth 2.1 protected-resource side of the MCP authorization spec (2025-06-18): the metadata of
 * RFC 9728 that tells a client which authorization server issues tokens for this server, the
 * `WWW-Authenticate` challenge that points to it (RFC 9728 §5.1, RFC 6750 §3), and the audience
 * check the SDK's bearer verifier leaves to the server.
 */

/** RFC 9728 §3: the metadata lives under this well-known path, after the resource's own path. */
export const METADATA_PATH = "/.well-known/oauth-protected-resource";

/** Firebase Auth issues the platform's ID tokens: its issuer is the authorization server. */
export const firebaseIssuer = (projectId: string): string => `https://securetoken.google.com/${projectId}`;

/** The function's public URL, from the host the request reached (Cloud Run's front end sets the scheme). */
export function resourceUrl(headers: Headers, path = "/"): string {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim();
  const host = first(headers["x-forwarded-host"]) ?? first(headers.host) ?? "localhost";
  const proto = first(headers["x-forwarded-proto"]) ?? (host.startsWith("localhost") || host.startsWith("127.0.0.1") ? "http" : "https");
  const safeHost = /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? host : "localhost";
  return `${proto === "http" ? "http" : "https"}://${safeHost}${path}`;
}

/** RFC 9728 §2 metadata: the resource, its authorization server, and how bearer tokens are sent. */
export function protectedResourceMetadata(resource: string, projectId: string): OAuthProtectedResourceMetadata {
  return {
    resource,
    authorization_servers: [firebaseIssuer(projectId)],
    bearer_methods_supported: ["header"],
    scopes_supported: [],
    resource_name: "costmon MCP server (read-only cost data of the caller's tenant)",
  };
}

/** The challenge of a 401: where the metadata is, and `invalid_token` when a token was presented (RFC 6750 §3.1). */
export function challenge(metadataUrl: string, tokenPresented: boolean): string {
  return `Bearer ${tokenPresented ? 'error="invalid_token", ' : ""}resource_metadata="${metadataUrl}"`;
}

/**
 * The audience and issuer of a verified Firebase ID token must be this project's: a token minted
 * for another Firebase project (or another resource) is refused here, whatever verified it.
 * API keys are the platform's own, issued for this deployment only, and carry no audience.
 */
export function checkAudience(principal: Principal, headers: Headers, projectId: string): void {
  if (principal.method !== "id-token") return;
  const token = bearerToken(headers) ?? "";
  let claims: { aud?: unknown; iss?: unknown } = {};
  try {
    claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as typeof claims;
  } catch {
    // an unreadable payload has no audience: refused below
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(projectId) || claims.iss !== firebaseIssuer(projectId)) {
    throw new AppError("unauthenticated", "invalid or missing credentials", { details: { reason: "id-token-wrong-audience" } });
  }
}
