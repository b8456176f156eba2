import type { BaseContext, CallStage, ConfigContext, GuardContext, HttpRequestLike, ObservedContext, RequestState } from "../context.js";
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
 * How many times an endpoint's per-identity limit one source address may spend before
 * authentication: many people can share an address (an office behind NAT), and each of them
 * also has a bucket of their own once authenticated.
 */
export const SOURCE_LIMIT_FACTOR = 10;

/** The stage the call reached. A function, because TypeScript would narrow `state.stage` to the value set here, and inner layers move it on. */
function stageOf(state: RequestState): CallStage | undefined {
  return state.stage;
}

/** Session and provisioning problems are not guessing: only credential failures count. */
export function isCredentialFailure(err: unknown): boolean {
  if (!(err instanceof AppError) || err.code !== "unauthenticated") return false;
  const reason = (err.details as { reason?: unknown } | undefined)?.reason;
  // A valid credential at the wrong door (an API key on a user-only callable) is not guessing
  // either, nor one of a kind this deployment does not verify at all.
  return typeof reason !== "string" || !(reason.startsWith("session-") || reason.endsWith("-not-accepted-here") || reason.endsWith("-not-configured"));
}

/**
 * Layer 4, F4, before authentication: brute-force lockout per source (5 failed authentications in
 * 5 min block it for 30 min) and a token bucket per source address and endpoint
 * ({@link SOURCE_LIMIT_FACTOR} × the endpoint's limit). Nothing the request merely claims (a
 * token's `sub`, a key) keys a bucket here: the per-identity bucket comes after authentication
 * (identity-rate-limit.ts). A success from a source does not wipe its recent failures, so one
 * valid credential cannot reset the count of a source that is guessing others.
 *
 * @example
 *   stack.use("threat-guard", threatGuard())  // throws resource-exhausted with details.retryAfterMs
 */
export function threatGuard(): Middleware<BaseContext & ConfigContext & ObservedContext, GuardContext> {
  return async function guard(ctx, next) {
    const { bruteForce, rateLimiter, config } = ctx.services;
    ctx.state.stage = "rate-limit";
    const source = clientSource(ctx.request, config.trustedProxyHops);
    ctx.state.source = source;
    const block = await bruteForce.check(source);
    if (block.blocked) {
      ctx.log.warn("source locked out", { event: "security.lockout_refused", source });
      throw new AppError("resource-exhausted", "too many failed sign-in attempts; try again later", {
        details: { reason: "locked-out", retryAfterMs: block.retryAfterMs },
      });
    }
    const decision = await rateLimiter.consume(`ip:${source}`, ctx.decl.name, SOURCE_LIMIT_FACTOR);
    if (!decision.allowed) {
      throw new AppError("resource-exhausted", "rate limit exceeded", {
        details: { reason: "rate-limited", retryAfterMs: decision.retryAfterMs },
      });
    }
    try {
      return await next({ source });
    } catch (err) {
      if (stageOf(ctx.state) === "authentication" && isCredentialFailure(err)) await bruteForce.recordFailure(source);
      throw err;
    }
  };
}
