import { describe, expect, it } from "vitest";
import { buildRecords, type RecordDraft } from "#domain/billing/providers/record-builder.js";

const draft = (patch: Partial<RecordDraft> = {}): RecordDraft => ({
  provider: "aws",
  billing_account_id: "999999999999",
  sub_account_id: "111111111111",
  service_name: "Amazon Simple Storage Service",
  service_category: "Storage",
  region_id: "",
  resource_id: "",
  charge_category: "Usage",
  charge_period_start: "2026-10-01",
  billed_cost: "1.1",
  effective_cost: "1.0",
  list_cost: "1.2",
  billing_currency: "USD",
  pricing_quantity: "2",
  pricing_unit: "GB",
  tags: { env: "prod", team: "a" },
  ...patch,
});
const ctx = { tenantId: "t1", ingestedAt: "2026-11-23T00:00:00Z" };

describe("buildRecords", () => {
  it("merges drafts with one identity: money summed exactly, tags intersected, units kept when equal", () => {
    // Act
    const [r, ...rest] = buildRecords([draft(), draft({ billed_cost: "0.2", tags: { env: "prod" } })], ctx, "aws-cost-explorer");

    // Assess
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({ billed_cost: "1.3", effective_cost: "2", list_cost: "2.4", pricing_quantity: "4", tags: { env: "prod" } });
    expect(r?.charge_period_end).toBe("2026-10-02");
  });

  it("refuses to merge two currencies into one record", () => {
    expect(() => buildRecords([draft(), draft({ billing_currency: "EUR" })], ctx, "x")).toThrow(/mix currencies/);
  });
});
