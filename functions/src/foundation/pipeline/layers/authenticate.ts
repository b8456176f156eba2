import type { AuthenticatedContext, BaseContext, ConfigContext, GuardContext, ObservedContext } from "../context.js";
import { AppError } from "#kernel/errors.js";
import type { Middleware } from "../middleware.js";

/**
 * Layer 5a, F1: turns the presented credential (ID token, API key or OIDC, as the callable
 * accepts) into a verified principal, or refuses the call. The failure's reason is logged here and
 * audited by the audit layer around it; the threat guard counts it toward the source's lockout.
 *
 * @example
 *   stack.use("F1 authenticate", authenticate())  // adds { principal }
 */
export function authenticate(): Middleware<BaseContext & ConfigContext & ObservedContext & GuardContext, AuthenticatedContext> {
  return async function authn(ctx, next) {
    const { decl, services, log, state } = ctx;
    state.stage = "authentication";
    let principal: AuthenticatedContext["principal"];
    try {
      principal = await services.authenticate(ctx.request.headers, decl.auth);
    } catch (err) {
      if (err instanceof AppError && err.code === "unauthenticated") {
        const reason = (err.details as { reason?: string } | undefined)?.reason;
        log.event("user.authentication_failed", { reason, source: ctx.source }, "WARNING");
      }
      throw err;
    }
    state.principal = principal;
    log.event("user.authenticated", { kind: principal.kind, id: principal.id, method: principal.method }, "DEBUG");
    return next({ principal });
  };
}
