import { type AuthorizationDecision, authorize } from "../../iam/authorize.js";
import { type Principal, TenantIdSchema, ZONES, type Zone } from "../../iam/model.js";
import { PLATFORM_STREAM, tenantStream } from "../../secops/audit-log.js";
import type { AuthContext, BaseContext, ConfigContext, GuardContext, ObservedContext } from "../context.js";
import { AppError } from "#kernel/errors.js";
import type { Middleware } from "../middleware.js";

type In = BaseContext & ConfigContext & ObservedContext & GuardContext;

/** `asTenant` travels in `data` beside the input; only this layer reads it. */
function requestedTenant(body: unknown): string | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const data = (body as { data?: unknown }).data;
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const as = (data as { asTenant?: unknown }).asTenant;
  if (as === undefined) return undefined;
  const parsed = TenantIdSchema.safeParse(as);
  if (!parsed.success) throw new AppError("invalid-argument", "asTenant must be a tenant id");
  return parsed.data;
}

/**
 * Layer 5, F1: authenticates (ID token, API key or OIDC, as the callable accepts), resolves the
 * tenant from the verified identity only, then authorizes ACTION × SKILL × RESOURCE × ZONE with
 * the trust level (MFA for 3–4). Deny by default. A platform admin may act on another tenant
 * only with an explicit `asTenant`, which is audited on both tenants' streams.
 *
 * @example
 *   stack.use("authenticate-authorize", authenticateAndAuthorize())
 *   // handler: ctx.tenantId, ctx.principal; ctx.authorize("write", { ownerId }) for owned resources
 */
export function authenticateAndAuthorize(): Middleware<In, AuthContext> {
  return async function authn(ctx, next) {
    const { decl, services, log, state } = ctx;
    let principal: Principal;
    try {
      principal = await services.authenticate(ctx.request.headers, decl.auth);
    } catch (err) {
      if (err instanceof AppError && err.code === "unauthenticated") {
        const reason = (err.details as { reason?: string } | undefined)?.reason;
        log.event("user.authentication_failed", { reason, source: ctx.source }, "WARNING");
        await services.audit.append({
          stream: PLATFORM_STREAM,
          tenantId: "-",
          actor: `source:${ctx.source}`,
          action: `authenticate:${decl.name}`,
          decision: "deny",
          outcome: "failure",
          details: { reason: reason ?? "unknown" },
        });
      }
      throw err;
    }
    state.principal = principal;
    log.event("user.authenticated", { kind: principal.kind, id: principal.id, method: principal.method }, "DEBUG");

    const asTenant = requestedTenant(ctx.request.body);
    const actingAs = asTenant !== undefined && asTenant !== principal.tenantId;
    if (actingAs && !principal.platformAdmin) {
      throw await denyAudited(ctx, principal, asTenant, "as-tenant-not-allowed");
    }
    const tenantId = asTenant ?? principal.tenantId;
    if (!tenantId) throw new AppError("permission-denied", "no tenant for this identity");
    if (actingAs && !principal.mfa) throw await denyAudited(ctx, principal, tenantId, "mfa-required");
    state.tenantId = tenantId;

    const decide = (action: typeof decl.action, resource: Parameters<AuthContext["authorize"]>[1], zone: Zone | undefined, skill = decl.skill) => {
      // As a platform admin acting on a tenant, the admin's grants apply there.
      const effective: Principal = actingAs ? { ...principal, tenantId } : principal;
      const zones = zone ? [zone] : ZONES.filter((z) => principal.zones.includes(z));
      let last: AuthorizationDecision | undefined;
      for (const z of zones) {
        last = authorize(effective, action, skill, { ...resource, tenantId }, z, tenantId);
        if (last.allowed) break;
      }
      return last ?? { allowed: false as const, reason: "zone-not-granted" as const };
    };
    const first = decide(decl.action, decl.owned ? { ownerId: principal.id } : {}, decl.zone);
    log.event("user.authorization_checked", { allowed: first.allowed, reason: first.reason, action: decl.action, skill: decl.skill }, "DEBUG");
    if (!first.allowed) throw await denyAudited(ctx, principal, tenantId, first.reason ?? "denied");
    if (decl.minTrust !== undefined && ("effectiveTrust" in first ? first.effectiveTrust : 0) < decl.minTrust) {
      const reason = principal.trustLevel >= decl.minTrust ? "mfa-required" : "insufficient-trust";
      throw await denyAudited(ctx, principal, tenantId, reason);
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

async function denyAudited(ctx: In, principal: Principal, tenantId: string, reason: string): Promise<AppError> {
  const home = principal.tenantId ?? tenantId;
  await ctx.services.audit.append({
    stream: tenantStream(home),
    tenantId: home,
    actor: `${principal.kind}:${principal.id}`,
    action: `${ctx.decl.action}:${ctx.decl.skill}:${ctx.decl.name}`,
    decision: "deny",
    outcome: "failure",
    details: { reason, target: tenantId },
  });
  return deny(ctx, principal, tenantId, reason);
}
