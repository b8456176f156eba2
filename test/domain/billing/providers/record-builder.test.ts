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
  it("sums drafts sharing a key exactly, quantities included, and never overwrites one with another", () => {
    // Act
    const [r, ...rest] = buildRecords([draft(), draft({ billed_cost: "0.2", effective_cost: "0.0000012" })], ctx, "aws-cost-explorer");

    // Assess
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({ billed_cost: "1.3", effective_cost: "1.0000012", list_cost: "2.4", pricing_quantity: "4", tags: { env: "prod", team: "a" } });
    expect(r?.charge_period_end).toBe("2026-10-02");
  });

  it("keeps rows apart that differ only in tags, pricing unit, SKU or charge description", () => {
    // Act
    const records = buildRecords(
      [
        draft(),
        draft({ tags: { env: "prod" } }),
        draft({ pricing_unit: "Requests" }),
        draft({ sku_id: "SKU-2" }),
        draft({ charge_description: "another rate" }),
        draft({ tags: { team: "a", env: "prod" } }), // same tag set listed in another order: same key as the first
      ],
      ctx,
      "x",
    );

    // Assess
    expect(records).toHaveLength(5);
    expect(new Set(records.map((r) => r.record_key)).size).toBe(5);
    expect(records[0]).toMatchObject({ billed_cost: "2.2", pricing_quantity: "4" });
  });

  it("refuses to merge two currencies into one record", () => {
    expect(() => buildRecords([draft(), draft({ billing_currency: "EUR" })], ctx, "x")).toThrow(/mix currencies/);
  });
});
