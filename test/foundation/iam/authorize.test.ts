import { describe, expect, it } from "vitest";
import { authorize, requiredScope } from "#foundation/iam/authorize.js";
import type { Action, Principal, Skill, Zone } from "#foundation/iam/model.js";

const user = (over: Partial<Principal> = {}): Principal => ({
  kind: "user",
  id: "u1",
  tenantId: "t1",
  trustLevel: 1,
  zones: ["nonprod", "prod"],
  mfa: false,
  skills: "all",
  platformAdmin: false,
  method: "id-token",
  ...over,
});

describe("authorize over ACTION × SKILL × RESOURCE × ZONE", () => {
  it.each<[string, Partial<Principal>, Action, Skill, Zone, boolean, string | undefined]>([
    ["viewer reads costs", {}, "read", "costs", "prod", true, undefined],
    ["viewer writes budgets", {}, "write", "budgets", "prod", false, "insufficient-trust"],
    ["operator writes anomalies", { trustLevel: 2 }, "write", "anomalies", "prod", true, undefined],
    ["operator writes budgets", { trustLevel: 2 }, "write", "budgets", "prod", false, "insufficient-trust"],
    ["manager without MFA writes budgets", { trustLevel: 3 }, "write", "budgets", "prod", false, "mfa-required"],
    ["manager with MFA writes budgets", { trustLevel: 3, mfa: true }, "write", "budgets", "prod", true, undefined],
    ["manager with MFA uses admin", { trustLevel: 3, mfa: true, zones: ["admin"] }, "admin", "admin", "admin", false, "insufficient-trust"],
    ["admin with MFA uses admin", { trustLevel: 4, mfa: true, zones: ["admin"] }, "admin", "admin", "admin", true, undefined],
    ["admin without MFA uses admin", { trustLevel: 4, zones: ["admin"] }, "admin", "admin", "admin", false, "mfa-required"],
    ["nonprod user reads prod", { zones: ["nonprod"] }, "read", "costs", "prod", false, "zone-not-granted"],
    ["user with no zones", { zones: [] }, "read", "costs", "nonprod", false, "zone-not-granted"],
    ["API key outside its skills", { kind: "apiKey", skills: ["llm-usage"], trustLevel: 2 }, "read", "costs", "prod", false, "skill-not-in-key-scope"],
    ["API key inside its skills", { kind: "apiKey", skills: ["llm-usage"], trustLevel: 2 }, "write", "llm-usage", "prod", true, undefined],
  ])("%s → %s", (_label, over, action, skill, zone, allowed, reason) => {
    const d = authorize(user(over), action, skill, { tenantId: "t1" }, zone);
    expect(d.allowed).toBe(allowed);
    expect(d.reason).toBe(reason);
  });

  it("denies any resource of another tenant, whatever the trust", () => {
    const d = authorize(user({ trustLevel: 4, mfa: true }), "read", "costs", { tenantId: "t2" }, "prod");
    expect(d).toMatchObject({ allowed: false, reason: "cross-tenant" });
  });

  it.each([
    ["own view", { ownerId: "u1", visibility: "private" as const }, "own"],
    ["someone's shared view", { ownerId: "u2", visibility: "shared" as const }, "workspace"],
    ["tenant data", {}, "workspace"],
    ["someone's private view", { ownerId: "u2", visibility: "private" as const }, "all"],
  ])("needs scope for %s", (_l, res, scope) => {
    expect(requiredScope(user(), { tenantId: "t1", ...res })).toBe(scope);
  });

  it("lets viewers edit only their own views, operators shared ones, admins private ones", () => {
    const priv = { tenantId: "t1", ownerId: "u2", visibility: "private" as const };
    const shared = { tenantId: "t1", ownerId: "u2", visibility: "shared" as const };
    expect(authorize(user(), "write", "costs", { tenantId: "t1", ownerId: "u1" }, "prod").allowed).toBe(true);
    expect(authorize(user(), "write", "costs", shared, "prod").allowed).toBe(false);
    expect(authorize(user({ trustLevel: 2 }), "write", "costs", shared, "prod").allowed).toBe(true);
    expect(authorize(user({ trustLevel: 2 }), "delete", "costs", priv, "prod").allowed).toBe(false);
    expect(authorize(user({ trustLevel: 4, mfa: true }), "delete", "costs", priv, "prod").allowed).toBe(true);
  });
});
