import { describe, expect, it } from "vitest";
import { paths, segment } from "#kernel/document-paths.js";

/** Document paths: one module, and no id can address another collection. */
describe("document paths", () => {
  it("builds the tenant subtree of DESIGN.md §4", () => {
    expect(paths.budget("acme", "monthly")).toBe("tenants/acme/budgets/monthly");
    expect(paths.cloudAccounts("acme")).toBe("tenants/acme/cloud_accounts");
    expect(paths.run("acme", "2026-11-20")).toBe("tenants/acme/runs/2026-11-20");
    expect(paths.auditHead("tenant:acme")).toBe("audit_heads/tenant%3Aacme");
  });

  it.each([["a/b"], [""], ["."], [".."], ["__reserved__"], ["x".repeat(513)]])("refuses the id %j with invalid-argument", (id) => {
    expect(() => segment(id)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() => paths.budget("acme", id)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() => paths.budgets(id)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  it("keeps ordinary ids as they are", () => {
    expect(segment("acme-retail_2026.v1")).toBe("acme-retail_2026.v1");
  });
});
