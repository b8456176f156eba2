import { type AuthorizationDecision, authorize as decideRule } from "../../iam/authorize.js";
import { type Principal, TenantIdSchema, ZONES, type Zone } from "../../iam/model.js";
import { tenantStream } from "../../secops/audit-log.js";
import type { AuthContext, AuthenticatedContext, BaseContext, ConfigContext, ObservedContext } from "../context.js";
import { AppError } from "#kernel/errors.js";
import type { Middleware } from "../middleware.js";

type In = BaseContext & ConfigContext & ObservedContext & AuthenticatedContext;

/** `asTenant` travels in `data` beside the input; only this layer reads it. */
function requestedTenant(body: unknown): string | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const data = (body as { data?: unknown }).data;
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const as = (data as { asTenant?: unknown }).asTenant;
  if (as === undefined) return undefined;
  const parsed = TenantIdSchema.safeParse(as);
  if (!parsed.success) throw new AppError("invalid-argument", "asTenant must be a tenant id", { details: { reason: "bad-as-tenant" } });
  return parsed.data;
}

/**
 * Layer 5b, F1: resolves the tenant from the verified identity only, then authorizes ACTION ×
 * SKILL × RESOURCE × ZONE with the trust level (MFA for 3–4). Deny by default. A platform admin
 * may act on another tenant only with an explicit `asTenant`, recorded on both tenants' streams.
 * Every denial, here or later through `ctx.authorize`, is audited by the audit layer around the
 * stack, with its reason.
 *
 * @example
 *   stack.use("F1 authorize", authorize())
 *   // handler: ctx.tenantId, ctx.principal; ctx.authorize("write", { ownerId }) for owned resources
 */
export function authorize(): Middleware<In, AuthContext> {
  return async function authz(ctx, next) {
    const { decl, services, log, state, principal } = ctx;
    state.stage = "authorization";
    const asTenant = requestedTenant(ctx.request.body);
    const actingAs = asTenant !== undefined && asTenant !== principal.tenantId;
    if (actingAs && !principal.platformAdmin) throw deny(ctx, principal, asTenant, "as-tenant-not-allowed");
    const tenantId = asTenant ?? principal.tenantId;
    if (!tenantId) throw new AppError("permission-denied", "no tenant for this identity", { details: { reason: "no-tenant" } });
    if (actingAs && !principal.mfa) throw deny(ctx, principal, tenantId, "mfa-required");
    state.tenantId = tenantId;

    const decide = (action: typeof decl.action, resource: Parameters<AuthContext["authorize"]>[1], zone: Zone | undefined, skill = decl.skill) => {
      // As a platform admin acting on a tenant, the admin's grants apply there.
      const effective: Principal = actingAs ? { ...principal, tenantId } : principal;
      const zones = zone ? [zone] : ZONES.filter((z) => principal.zones.includes(z));
      let last: AuthorizationDecision | undefined;
      for (const z of zones) {
        last = decideRule(effective, action, skill, { ...resource, tenantId }, z, tenantId);
        if (last.allowed) break;
      }
      return last ?? { allowed: false as const, reason: "zone-not-granted" as const };
    };
    const first = decide(decl.action, decl.owned ? { ownerId: principal.id } : {}, decl.zone);
    log.event("user.authorization_checked", { allowed: first.allowed, reason: first.reason, action: decl.action, skill: decl.skill }, "DEBUG");
    if (!first.allowed) throw deny(ctx, principal, tenantId, first.reason ?? "denied");
    if (decl.minTrust !== undefined && ("effectiveTrust" in first ? first.effectiveTrust : 0) < decl.minTrust) {
      throw deny(ctx, principal, tenantId, principal.trustLevel >= decl.minTrust ? "mfa-required" : "insufficient-trust");
    }
    if (actingAs) {
      const entry = { actor: `${principal.kind}:${principal.id}`, action: `as-tenant:${decl.name}`, decision: "allow" as const, outcome: "success" as const };
      await services.audit.append({ ...entry, stream: tenantStream(tenantId), tenantId });
      if (principal.tenantId) await services.audit.append({ ...entry, stream: tenantStream(principal.tenantId), tenantId: principal.tenantId, details: { asTenant: tenantId } });
    }
    const scopedLog = log.child({ tenant: tenantId, principal: `${principal.kind}:${principal.id}` });
    return next({
      principal,
      tenantId,
      actingAs,
      log: scopedLog,
      authorize(action, resource, zone, skill) {
        const d = decide(action, resource, zone, skill);
        if (!d.allowed) {
          scopedLog.event("user.authorization_checked", { allowed: false, reason: d.reason, action }, "NOTICE");
          state.denied = d.reason ?? "denied";
          throw new AppError("permission-denied", "permission denied", { details: { reason: d.reason } });
        }
      },
    } as AuthContext & Pick<ObservedContext, "log">);
  };
}

function deny(ctx: In, principal: Principal, tenantId: string, reason: string): AppError {
  ctx.log.event("user.authorization_checked", { allowed: false, reason, id: principal.id, target: tenantId }, "NOTICE");
  return new AppError("permission-denied", "permission denied", { details: { reason } });
}
