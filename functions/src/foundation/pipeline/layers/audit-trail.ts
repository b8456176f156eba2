import { type AuditEntry, PLATFORM_STREAM, tenantStream } from "../../secops/audit-log.js";
import { toCallableError } from "../callable-errors.js";
import type { BaseContext, ConfigContext, ObservedContext, RequestState } from "../context.js";
import type { Middleware } from "../middleware.js";

/**
 * Step 10, F4 audit (DESIGN.md §6): one hash-chained record for every call that passed the
 * callable envelope, whatever decided it. It wraps every layer from the rate limit inward, so
 * refusals by the rate limit, the lockout, authentication, authorization, the session and
 * validation are recorded as well as the handler's outcome: who (the principal, or the source
 * address before authentication), what (action:skill:function and the resource the handler
 * named), which tenant, the decision and the outcome. A refusal records the layer that refused
 * (`stage`) and its reason code, never the payload or an error message. A call refused before
 * authentication goes to the `platform` stream; any other to its tenant's.
 * Fails closed: a call whose success cannot be recorded fails as well.
 *
 * @example
 *   stack.use("F4 audit", auditTrail())  // handlers add fields with ctx.state.audit.field = ...
 */
export function auditTrail(): Middleware<BaseContext & ConfigContext & ObservedContext> {
  return async function audit(ctx, next) {
    const { state, services } = ctx;
    let result: unknown;
    try {
      result = await next({});
    } catch (err) {
      await services.audit.append(refusalEntry(ctx, err)).catch((auditErr: unknown) => ctx.log.error("audit append failed", { error: String(auditErr) }));
      throw err;
    }
    await services.audit.append({ ...baseEntry(ctx), decision: "allow", outcome: "success", details: extra(state) });
    return result;
  };
}

type Ctx = BaseContext & ConfigContext & ObservedContext;

function baseEntry(ctx: Ctx): Omit<AuditEntry, "decision" | "outcome"> {
  const { decl, state } = ctx;
  const principal = state.principal;
  const tenantId = state.tenantId ?? principal?.tenantId ?? null;
  return {
    stream: tenantId ? tenantStream(tenantId) : PLATFORM_STREAM,
    tenantId: tenantId ?? "-",
    actor: principal ? `${principal.kind}:${principal.id}` : `source:${state.source ?? "unknown"}`,
    action: `${decl.action}:${decl.skill}:${decl.name}`,
    ...(state.resource === undefined ? {} : { resource: state.resource }),
  };
}

function extra(state: RequestState): Record<string, unknown> {
  const principal = state.principal;
  const actingAs = principal && state.tenantId !== undefined && state.tenantId !== principal.tenantId;
  return { ...state.audit, ...(actingAs ? { asTenant: state.tenantId, homeTenant: principal.tenantId } : {}) };
}

/** A reason code the caller was told, or the error code: never free text from the request. */
function reasonOf(details: unknown, code: string): string {
  const reason = details !== null && typeof details === "object" ? (details as { reason?: unknown }).reason : undefined;
  if (typeof reason === "string" && /^[a-z0-9-]{1,64}$/.test(reason)) return reason;
  return code === "invalid-argument" ? "invalid-input" : code;
}

function refusalEntry(ctx: Ctx, err: unknown): AuditEntry {
  const { state } = ctx;
  const { code, body } = toCallableError(err);
  const stage = state.denied !== undefined ? "authorization" : (state.stage ?? "rate-limit");
  const reason = state.denied ?? reasonOf(body.error.details, code);
  // Anything that stopped the call before its handler ran, or a handler's own authorization
  // check, is a deny decision; a handler that ran and failed is an allowed call that failed.
  const refused = stage !== "handler";
  return {
    ...baseEntry(ctx),
    decision: refused ? "deny" : "allow",
    outcome: "failure",
    details: refused ? { stage, reason, code } : { ...extra(state), code },
  };
}
