import { z } from "zod";

/**
 * F1's vocabulary (DESIGN.md §1): the 4D matrix is ACTION × SKILL × RESOURCE × ZONE.
 * Zones follow the environment of a cloud account; `admin` is the platform's own settings.
 */
export const SKILLS = [
  "costs",
  "anomalies",
  "forecasts",
  "budgets",
  "recommendations",
  "accounts",
  "alerts",
  "llm-usage",
  "admin",
] as const;
export type Skill = (typeof SKILLS)[number];

export const ACTIONS = ["read", "write", "delete", "admin"] as const;
export type Action = (typeof ACTIONS)[number];

export const ZONES = ["nonprod", "prod", "admin"] as const;
export type Zone = (typeof ZONES)[number];

/** 1 viewer, 2 operator, 3 manager, 4 admin; 3 and 4 need a second factor. */
export type TrustLevel = 1 | 2 | 3 | 4;
export const MFA_TRUST_LEVEL = 3;

/** Resource scopes, narrowest first: a rule granting `workspace` also grants `own`. */
export const SCOPES = ["own", "workspace", "all"] as const;
export type Scope = (typeof SCOPES)[number];

export const TenantIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "invalid tenant id");

/** Custom claims set through firebase-admin `setCustomUserClaims` (F1). */
export const UserClaimsSchema = z.object({
  tenantId: TenantIdSchema,
  trustLevel: z.number().int().min(1).max(4),
  zones: z.array(z.enum(ZONES)).max(ZONES.length),
  platformAdmin: z.boolean().optional(),
});
export type UserClaims = z.infer<typeof UserClaimsSchema>;

/** Who is calling, after authentication. Built only from verified credentials. */
export interface Principal {
  kind: "user" | "apiKey" | "service";
  /** Firebase uid, API key prefix, or service account e-mail. */
  id: string;
  /** Home tenant from the verified identity; null for platform services. */
  tenantId: string | null;
  trustLevel: TrustLevel;
  zones: readonly Zone[];
  /** True when the ID token shows a second factor (`firebase.sign_in_second_factor`). */
  mfa: boolean;
  /** API keys are scoped to skills; users and services are not. */
  skills: readonly Skill[] | "all";
  platformAdmin: boolean;
  /** Sign-in time (seconds since epoch) of an ID token: one sign-in is one session. */
  authTime?: number;
  /** How the credential was presented. */
  method: "id-token" | "api-key" | "oidc";
}

/**
 * A platform service (Cloud Scheduler or Pub/Sub push with a verified Google OIDC token, or the
 * local bus): no home tenant, every skill, top trust, both zones. The id is its e-mail or name.
 */
export function servicePrincipal(id: string): Principal {
  return {
    kind: "service",
    id,
    tenantId: null,
    trustLevel: 4,
    zones: ["nonprod", "prod"],
    mfa: true,
    skills: "all",
    platformAdmin: false,
    method: "oidc",
  };
}

/** What an action touches: the tenant always; the owner and visibility for owned resources. */
export interface ResourceRef {
  tenantId: string;
  type?: string;
  id?: string;
  /** Owner uid of an owned resource (workspace, session); absent for tenant data. */
  ownerId?: string;
  /** Visibility of a saved view: private needs scope `all` unless you own it. */
  visibility?: "private" | "shared" | "public";
}
