import { describe, expect, it } from "vitest";
import { connectCloudAccount } from "#domain/api/cloud-accounts.js";
import { ACCOUNT_TEMPLATES, findTemplate, validateTemplateScope } from "#domain/onboarding/account-templates.js";
import { InputError } from "#kernel/errors.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

/** A template's documented examples as a scope: what its docs tell a user to type. */
function exampleScope(name: string): Record<string, unknown> {
  const t = findTemplate(name);
  if (!t) throw new Error(name);
  return Object.fromEntries(
    t.fields
      // A FOCUS export names its folder (or its bucket): neither is required alone.
      .filter((f) => f.required || f.name === "exportKind" || (name === "focus" && f.name === "folder"))
      .map((f) => [f.name, f.list ? f.example.split(",") : f.example]),
  );
}

const window = { start: "2025-10-01", end: "2026-11-19" };

describe("account templates", () => {
  it.each(ACCOUNT_TEMPLATES.map((t) => t.name))("%s: its documented example passes the provider's own scope schema", (name) => {
    const t = findTemplate(name)!;
    const stored = validateTemplateScope(t, exampleScope(name));
    expect(t.schema.safeParse(stored).success).toBe(true);
    for (const [k, v] of Object.entries(t.fixed)) expect(stored[k]).toBe(v);
  });

  it("refuses fields the template does not have, required fields left out and bad values, naming each", () => {
    const t = findTemplate("aws-linked")!;
    let error: unknown;
    try {
      validateTemplateScope(t, { payerAccountId: "12345", region: "us-east-1" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const paths = (error as InputError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["scope.linkedAccountIds", "scope.payerAccountId", "scope.region"]);
    expect((error as Error).message).toMatch(/scope\.region: not a field of template aws-linked \(fields: payerAccountId, linkedAccountIds, tagKeys, tagQueryLimit\)/);
    expect((error as Error).message).toMatch(/12 digits/);
  });

  it("keeps an Azure template's scope type: a resource group is not a subscription", () => {
    const rg = validateTemplateScope(findTemplate("azure-resource-group")!, { subscriptionId: "00000000-0000-0000-0000-00000000a1b2", resourceGroup: "rg-1", billingAccountId: "7102234" });
    expect(rg.scopeType).toBe("resourceGroup");
    expect(() => validateTemplateScope(findTemplate("azure-subscription")!, { subscriptionId: "not-a-guid", billingAccountId: "7102234" })).toThrow(/subscription GUID/);
  });

  it("plans two GetCostAndUsage calls per monthly page for AWS, for exactly the linked accounts and the page's days", () => {
    const t = findTemplate("aws-linked")!;
    const plan = t.plan(validateTemplateScope(t, { payerAccountId: "123456789012", linkedAccountIds: ["210987654321"] }), window);
    expect(plan.calls).toHaveLength(14 * 2);
    expect(plan.minimumCalls).toBe(28);
    const first = plan.calls[0]?.request as { TimePeriod: { Start: string; End: string }; Filter: unknown };
    expect(first.TimePeriod).toEqual({ Start: "2025-10-01", End: "2025-11-01" });
    expect(JSON.stringify(first.Filter)).toContain("210987654321");
    const last = plan.calls.at(-1)?.request as { TimePeriod: { Start: string; End: string } };
    expect(last.TimePeriod).toEqual({ Start: "2026-11-01", End: "2026-11-20" });
  });

  it("plans one Cost Management query per page, subscription and cost type for an Azure billing account", () => {
    const t = findTemplate("azure-billing-account")!;
    const subs = ["00000000-0000-0000-0000-00000000a1b2", "00000000-0000-0000-0000-00000000c3d4"];
    const plan = t.plan(validateTemplateScope(t, { billingAccountId: "7102234", subscriptionIds: subs }), window);
    expect(plan.calls).toHaveLength(14 * 2 * 2);
    expect(plan.calls.every((c) => c.api.startsWith("POST /providers/Microsoft.Billing/billingAccounts/7102234/"))).toBe(true);
  });

  it("plans one BigQuery query per page for a GCP export, over the page's days", () => {
    const t = findTemplate("gcp-billing-export")!;
    const plan = t.plan(validateTemplateScope(t, exampleScope("gcp-billing-export")), window);
    expect(plan.calls).toHaveLength(14);
    expect(plan.calls.map((c) => (c.request as { params: { usage_start: string } }).params.usage_start)[0]).toBe("2025-10-01");
  });
});

describe("connectCloudAccount with a template", () => {
  const creds = { put: async () => {}, delete: async () => {} };
  const base = { displayName: "", billingAccountId: "b", subAccountId: "s", environment: "prod" as const };

  it("stores the scope the template validated", async () => {
    const store = new MemoryDocumentStore();
    const r = await connectCloudAccount(
      store,
      creds,
      "t1",
      { ...base, accountId: "az", provider: "azure", template: "azure-subscription", scope: { subscriptionId: "00000000-0000-0000-0000-00000000a1b2", billingAccountId: "7102234" }, credentials: { tenantId: "x", clientId: "y", clientSecret: "z" } },
      "u1",
      new Date("2026-11-20T00:00:00Z"),
    );
    expect(r.scope).toEqual({ subscriptionId: "00000000-0000-0000-0000-00000000a1b2", billingAccountId: "7102234", scopeType: "subscription" });
    expect((await store.get("tenants/t1/cloud_accounts/az"))?.template).toBe("azure-subscription");
  });

  it("refuses a scope that does not fit, a template of another provider, and missing credentials where the template needs them", async () => {
    const store = new MemoryDocumentStore();
    const now = new Date();
    await expect(
      connectCloudAccount(store, creds, "t1", { ...base, provider: "aws", template: "aws-payer", scope: { payerAccountId: "1" }, credentials: { a: "b" } }, "u", now),
    ).rejects.toThrow(/12 digits/);
    await expect(
      connectCloudAccount(store, creds, "t1", { ...base, provider: "gcp", template: "aws-payer", scope: { payerAccountId: "123456789012" }, credentials: { a: "b" } }, "u", now),
    ).rejects.toThrow(/for aws accounts, not gcp/);
    await expect(connectCloudAccount(store, creds, "t1", { ...base, provider: "aws", template: "aws-payer", scope: { payerAccountId: "123456789012" } }, "u", now)).rejects.toThrow(
      /credentials are required/,
    );
    expect((await store.list("tenants/t1/cloud_accounts")).docs).toEqual([]);
  });

  it("connects a GCP export without credentials: the platform's identity reads it, and no secret is referenced", async () => {
    const store = new MemoryDocumentStore();
    const r = await connectCloudAccount(
      store,
      creds,
      "t1",
      { ...base, accountId: "g", provider: "gcp", template: "gcp-billing-export", scope: exampleScope("gcp-billing-export") as Record<string, string> },
      "u",
      new Date(),
    );
    expect(r).not.toHaveProperty("secretRef");
  });
});

describe("docs/onboarding.md", () => {
  it("documents every template and every scope and credential field the registry has", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { repoRoot } = await import("../../support/shared-data.js");
    const doc = readFileSync(join(repoRoot, "docs", "onboarding.md"), "utf8");
    for (const t of ACCOUNT_TEMPLATES) {
      const section = doc.split(`### \`${t.name}\``)[1]?.split("### ")[0];
      expect(section, t.name).toBeDefined();
      for (const f of [...t.fields, ...t.credentials.fields]) expect(section, `${t.name}.${f.name}`).toContain(`\`${f.name}\``);
    }
  });
});

describe("validateTemplateScope on a scope it validated before", () => {
  it.each(ACCOUNT_TEMPLATES.map((t) => t.name))("%s: gives the same scope again, and still refuses another scope type", (name) => {
    const t = findTemplate(name)!;
    const once = validateTemplateScope(t, exampleScope(name));
    expect(validateTemplateScope(t, once)).toEqual(once);
    if (t.fixed.scopeType) expect(() => validateTemplateScope(t, { ...once, scopeType: "somethingElse" })).toThrow(/scopeType/);
  });
});
