import { tenantStream } from "../../secops/audit-log.js";
import { toCallableError } from "../callable-errors.js";
import type { AuthContext, BaseContext, ConfigContext, ObservedContext } from "../context.js";
import type { Middleware } from "../middleware.js";

/**
 * Layer 10, F4 audit: one hash-chained record per call on the tenant's stream: who (principal),
 * what (action:skill:function and the resource the handler named), tenant, decision and outcome.
 * Fails closed: a call whose audit record cannot be written fails as well.
 *
 * @example
 *   stack.use("audit", auditTrail())  // handlers add context with ctx.state.audit.field = ...
 */
export function auditTrail(): Middleware<BaseContext & ConfigContext & ObservedContext & AuthContext> {
  return async function audit(ctx, next) {
    const { decl, principal, tenantId, state, services } = ctx;
    const base = {
      stream: tenantStream(tenantId),
      tenantId,
      actor: `${principal.kind}:${principal.id}`,
      action: `${decl.action}:${decl.skill}:${decl.name}`,
      decision: "allow" as const,
    };
    const extra = () => ({
      ...state.audit,
      ...(ctx.actingAs ? { asTenant: tenantId, homeTenant: principal.tenantId } : {}),
    });
    try {
      const result = await next({});
      await services.audit.append({ ...base, ...resourceOf(state.resource), outcome: "success", details: extra() });
      return result;
    } catch (err) {
      const code = toCallableError(err).code;
      await services.audit
        .append({ ...base, ...resourceOf(state.resource), outcome: "failure", details: { ...extra(), code } })
        .catch((auditErr: unknown) => ctx.log.error("audit append failed", { error: String(auditErr) }));
      throw err;
    }
  };
}

function resourceOf(resource: string | undefined): { resource?: string } {
  return resource === undefined ? {} : { resource };
}
