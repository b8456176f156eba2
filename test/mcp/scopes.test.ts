import { describe, expect, it } from "vitest";
import { ENTRY_POINTS, type EntryPointName, loadEntryPoint } from "../../functions/src/entry-points.js";
import { annotationsFor, TOOL_SCOPES, TOOLS } from "#entrypoints/mcp/server.js";
import { authorizeTool } from "#entrypoints/mcp/gate.js";
import { authorize } from "#foundation/iam/authorize.js";
import { type Principal, SKILLS, type TrustLevel, ZONES } from "#foundation/iam/model.js";

/**
 * Each tool repeats the authorization of the callable that serves the same data. This fails when
 * a tool's scope, its annotations or the callable's declaration drift apart.
 */
describe("MCP tool scopes against the callables", () => {
  it("every tool names a callable and has its skill, action and minimum trust", async () => {
    for (const t of TOOLS) {
      expect(Object.hasOwn(ENTRY_POINTS, t.scope.callable), t.name).toBe(true);
      const fn = (await loadEntryPoint(t.scope.callable as EntryPointName)) as unknown as { declaration: { skill: string; action: string; minTrust?: number; auth: string[] } };
      const d = fn.declaration;
      expect({ skill: t.scope.skill, action: t.scope.action, minTrust: t.scope.minTrust }, t.name).toEqual({ skill: d.skill, action: d.action, minTrust: d.minTrust });
      // The callable accepts both credentials the MCP function verifies.
      expect(d.auth, t.name).toEqual(expect.arrayContaining(["id-token", "api-key"]));
      // Annotations follow the callable's action: a read is read-only and never destructive.
      const a = annotationsFor(t.scope);
      expect(a.readOnlyHint, t.name).toBe(d.action === "read");
      expect(a.destructiveHint, t.name).toBe(d.action === "delete");
    }
    expect(Object.keys(TOOL_SCOPES)).toHaveLength(TOOLS.length);
  });

  it("decides like the pipeline's rule for every trust level, zone set and key scope", () => {
    const zoneSets = [[], ["prod"], ["nonprod"], ["nonprod", "prod"], ["admin"]] as const;
    let checked = 0;
    for (const t of TOOLS) {
      for (const trustLevel of [1, 2, 3, 4] as TrustLevel[]) {
        for (const zones of zoneSets) {
          for (const skills of ["all", [t.scope.skill], SKILLS.filter((s) => s !== t.scope.skill)] as const) {
            for (const mfa of [false, true]) {
              const p: Principal = { kind: skills === "all" ? "user" : "apiKey", id: "x", tenantId: "t1", trustLevel, zones, mfa, skills, platformAdmin: false, method: "id-token" };
              const expected = ZONES.filter((z) => zones.includes(z as never)).some((z) => authorize(p, t.scope.action, t.scope.skill, { tenantId: "t1" }, z, "t1").allowed);
              expect(authorizeTool(p, t.scope).allowed, `${t.name} ${JSON.stringify(p)}`).toBe(expected);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(TOOLS.length * 4 * 5 * 3 * 2);
    expect(authorizeTool({ kind: "service", id: "s", tenantId: null, trustLevel: 4, zones: ["prod"], mfa: true, skills: "all", platformAdmin: false, method: "oidc" }, TOOLS[0]!.scope)).toEqual({ allowed: false, reason: "no-tenant" });
  });
});
