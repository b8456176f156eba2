import type { Principal } from "../../iam/model.js";
import type { AuthenticatedContext, BaseContext, ConfigContext } from "../context.js";
import { AppError } from "#kernel/errors.js";
import type { Middleware } from "../middleware.js";

/** The bucket of a verified identity: its kind, home tenant and id (API key prefixes are per tenant). */
export function identityKey(principal: Principal): string {
  return JSON.stringify([principal.kind, principal.tenantId ?? "-", principal.id]);
}

/**
 * Layer 4, F4, after authentication: the token bucket per verified identity and endpoint (default
 * 100 per 60 s, per-endpoint overrides from config). Keyed only on what authentication proved, so
 * nobody can spend someone else's allowance by claiming their `sub` in a token that fails.
 *
 * @example
 *   stack.use("F1 authenticate", authenticate()).use("F4 rate limit (identity)", identityRateLimit())
 */
export function identityRateLimit(): Middleware<BaseContext & ConfigContext & AuthenticatedContext> {
  return async function limitIdentity(ctx, next) {
    ctx.state.stage = "rate-limit";
    const decision = await ctx.services.rateLimiter.consume(identityKey(ctx.principal), ctx.decl.name);
    if (!decision.allowed) {
      throw new AppError("resource-exhausted", "rate limit exceeded", {
        details: { reason: "rate-limited", retryAfterMs: decision.retryAfterMs },
      });
    }
    return next({});
  };
}
