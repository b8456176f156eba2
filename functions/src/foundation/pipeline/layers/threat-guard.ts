import { createHash } from "node:crypto";
import { bearerToken, peekJwt } from "../../iam/authenticate.js";
import type { BaseContext, ConfigContext, GuardContext, HttpRequestLike, ObservedContext } from "../context.js";
import { AppError } from "#kernel/errors.js";
import type { Middleware } from "../middleware.js";

/**
 * The client address: the entry `trustedProxyHops` from the right of X-Forwarded-For (Google's
 * front end appends the address it saw, so entries left of it are client-controlled), else the
 * socket's peer.
 */
export function clientSource(req: HttpRequestLike, trustedProxyHops: number): string {
  const xff = req.headers["x-forwarded-for"];
  const raw = Array.isArray(xff) ? xff.join(",") : xff;
  if (raw && trustedProxyHops > 0) {
    const hops = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const pick = hops[Math.max(0, hops.length - trustedProxyHops)];
    if (pick) return pick.slice(0, 64);
  }
  return req.socket?.remoteAddress ?? "unknown";
}

/**
 * The identity a request's bucket is keyed on, before the credential is verified: an API key's
 * hash, the `sub` a bearer token claims, else the source address. A forged `sub` can only spend
 * someone else's tokens until the forger's source is locked out (5 failures), which the
 * brute-force guard below guarantees.
 */
export function rateLimitIdentity(req: HttpRequestLike, source: string): string {
  const key = req.headers["x-api-key"];
  const k = Array.isArray(key) ? key[0] : key;
  if (k) return `key:${createHash("sha256").update(k).digest("hex").slice(0, 24)}`;
  const token = bearerToken(req.headers);
  const sub = token ? peekJwt(token).sub : undefined;
  return sub ? `uid:${sub.slice(0, 128)}` : `ip:${source}`;
}

/** Session and provisioning problems are not guessing: only credential failures count. */
function isCredentialFailure(err: unknown): boolean {
  if (!(err instanceof AppError) || err.code !== "unauthenticated") return false;
  const reason = (err.details as { reason?: unknown } | undefined)?.reason;
  // A valid credential at the wrong door (an API key on a user-only callable) is not guessing either.
  return typeof reason !== "string" || !(reason.startsWith("session-") || reason.endsWith("-not-accepted-here"));
}

/**
 * Layer 4, F4: brute-force lockout per source (5 failed authentications in 5 min block it for
 * 30 min) and the token bucket per identity and endpoint (default 100 per 60 s).
 *
 * @example
 *   stack.use("threat-guard", threatGuard())  // throws resource-exhausted with details.retryAfterMs
 */
export function threatGuard(): Middleware<BaseContext & ConfigContext & ObservedContext, GuardContext> {
  return async function guard(ctx, next) {
    const { bruteForce, rateLimiter, config } = ctx.services;
    const source = clientSource(ctx.request, config.trustedProxyHops);
    const block = await bruteForce.check(source);
    if (block.blocked) {
      ctx.log.warn("source locked out", { event: "security.lockout_refused", source });
      throw new AppError("resource-exhausted", "too many failed sign-in attempts; try again later", {
        details: { reason: "locked-out", retryAfterMs: block.retryAfterMs },
      });
    }
    const decision = await rateLimiter.consume(rateLimitIdentity(ctx.request, source), ctx.decl.name);
    if (!decision.allowed) {
      throw new AppError("resource-exhausted", "rate limit exceeded", {
        details: { reason: "rate-limited", retryAfterMs: decision.retryAfterMs },
      });
    }
    try {
      const result = await next({ source });
      if (ctx.state.principal) await bruteForce.recordSuccess(source);
      return result;
    } catch (err) {
      if (isCredentialFailure(err)) {
        await bruteForce.recordFailure(source);
      } else if (ctx.state.principal) {
        await bruteForce.recordSuccess(source);
      }
      throw err;
    }
  };
}
