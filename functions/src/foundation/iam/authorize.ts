import {
  type Action,
  MFA_TRUST_LEVEL,
  type Principal,
  type ResourceRef,
  SCOPES,
  SKILLS,
  type Scope,
  type Skill,
  type TrustLevel,
  ZONES,
  type Zone,
} from "./model.js";

/**
 * F1 authorization over ACTION × SKILL × RESOURCE × ZONE (DESIGN.md §1). Deny by default: a
 * request is allowed only when one rule covers the action, the skill, the zone and the scope the
 * resource needs, at the principal's effective trust level. Trust 3–4 without a second factor
 * count as 2, so a manager who signed in with a password only can still read and operate.
 */
export interface PolicyRule {
  minTrust: TrustLevel;
  actions: readonly Action[];
  skills: readonly Skill[];
  scope: Scope;
  zones: readonly Zone[];
}

const DATA_SKILLS = SKILLS.filter((s) => s !== "admin");
const WORKLOAD_ZONES: readonly Zone[] = ["nonprod", "prod"];

export const DEFAULT_POLICY: readonly PolicyRule[] = [
  // viewers read tenant data and shared views, and manage their own saved views and sessions
  { minTrust: 1, actions: ["read"], skills: DATA_SKILLS, scope: "workspace", zones: WORKLOAD_ZONES },
  { minTrust: 1, actions: ["write", "delete"], skills: ["costs"], scope: "own", zones: WORKLOAD_ZONES },
  // operators triage: anomaly feedback, recommendation lifecycle, LLM usage, shared views
  {
    minTrust: 2,
    actions: ["write"],
    skills: ["anomalies", "recommendations", "llm-usage"],
    scope: "workspace",
    zones: WORKLOAD_ZONES,
  },
  { minTrust: 2, actions: ["write", "delete"], skills: ["costs"], scope: "workspace", zones: WORKLOAD_ZONES },
  // managers change configuration with money or credentials behind it
  {
    minTrust: 3,
    actions: ["write", "delete"],
    skills: ["budgets", "accounts", "alerts", "forecasts"],
    scope: "workspace",
    zones: WORKLOAD_ZONES,
  },
  // admins: everything in their tenant, including API keys and other users' private views
  { minTrust: 4, actions: ["read", "write", "delete", "admin"], skills: SKILLS, scope: "all", zones: ZONES },
];

export type DenyReason =
  | "cross-tenant"
  | "zone-not-granted"
  | "skill-not-in-key-scope"
  | "mfa-required"
  | "insufficient-trust";

export interface AuthorizationDecision {
  allowed: boolean;
  reason?: DenyReason;
  /** Scope the resource needed. */
  scope: Scope;
  effectiveTrust: TrustLevel;
}

/** The scope a resource needs: your own things need `own`; tenant data and shared views `workspace`. */
export function requiredScope(principal: Principal, resource: ResourceRef): Scope {
  if (resource.ownerId !== undefined && resource.ownerId === principal.id) return "own";
  if (resource.ownerId === undefined || resource.visibility === "shared" || resource.visibility === "public") {
    return "workspace";
  }
  return "all";
}

export function effectiveTrust(principal: Principal): TrustLevel {
  return principal.trustLevel >= MFA_TRUST_LEVEL && !principal.mfa ? 2 : principal.trustLevel;
}

/**
 * @param tenantId the tenant the request acts on (the principal's, or an audited `asTenant`).
 * @example
 *   const d = authorize(principal, "write", "budgets", { tenantId }, "prod", tenantId);
 *   if (!d.allowed) throw permissionDenied(`not allowed: ${d.reason}`);
 */
export function authorize(
  principal: Principal,
  action: Action,
  skill: Skill,
  resource: ResourceRef,
  zone: Zone,
  tenantId: string | null = principal.tenantId,
  policy: readonly PolicyRule[] = DEFAULT_POLICY,
): AuthorizationDecision {
  const scope = requiredScope(principal, resource);
  const trust = effectiveTrust(principal);
  const deny = (reason: DenyReason): AuthorizationDecision => ({ allowed: false, reason, scope, effectiveTrust: trust });
  if (tenantId === null || resource.tenantId !== tenantId) return deny("cross-tenant");
  if (!principal.zones.includes(zone)) return deny("zone-not-granted");
  if (principal.skills !== "all" && !principal.skills.includes(skill)) return deny("skill-not-in-key-scope");
  const need = SCOPES.indexOf(scope);
  const covers = (r: PolicyRule) =>
    r.actions.includes(action) && r.skills.includes(skill) && r.zones.includes(zone) && SCOPES.indexOf(r.scope) >= need;
  if (policy.some((r) => covers(r) && r.minTrust <= trust)) {
    return { allowed: true, scope, effectiveTrust: trust };
  }
  if (trust < principal.trustLevel && policy.some((r) => covers(r) && r.minTrust <= principal.trustLevel)) {
    return deny("mfa-required");
  }
  return deny("insufficient-trust");
}
