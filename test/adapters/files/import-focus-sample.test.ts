import { describe, expect, it } from "vitest";
import { CostRecordSchema, recordKey } from "#domain/billing/cost-record.js";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import { csvObjects, independentTotals, OPTS, SAMPLE_1000, sumBilled } from "../../support/focus-test-support.js";

describe("importFocusFile on the FOCUS 1.0 sample (1000 rows, AWS/Microsoft/Oracle)", () => {
  it("reads every row and matches the exact BilledCost totals per provider", async () => {
    // Prepare
    const expected = independentTotals(csvObjects(SAMPLE_1000()));
    // Act
    const result = await importFocusFile(SAMPLE_1000(), OPTS);
    // Assess
    expect(result.rowsRead).toBe(1000);
    expect(result.rowsRejected).toBe(0);
    expect(result.errors).toEqual([]);
    expect(Object.keys(expected).sort()).toEqual(["aws", "azure", "oci"]);
    expect(result.totalsByProvider).toEqual(expected);
    expect(sumBilled(result.records)).toEqual(expected);
  });

  it("keeps rows apart that differ in tags, pricing unit, SKU or charge description", async () => {
    const result = await importFocusFile(SAMPLE_1000(), OPTS);
    // Counted independently with Python at staging time: 994 distinct identity/day pairs, 998 with the
    // tag set and PricingUnit added, 1000 with SkuId and ChargeDescription too. The 6 pairs that occur
    // twice are e.g. two Elastic Load Balancing SKUs of one resource and day: two rows, not one.
    expect(result.records.length).toBe(1000);
    const elb = result.records.filter((r) => r.service_name === "Elastic Load Balancing" && r.charge_period_start === "2024-09-23" && r.tags.application === "BrightSyncExpress");
    expect(elb.length).toBeGreaterThanOrEqual(2);
  });

  it("produces valid CostRecords keyed by their identity, one day long", async () => {
    const result = await importFocusFile(SAMPLE_1000(), { ...OPTS, source: "focus:test" });
    for (const r of result.records) {
      expect(CostRecordSchema.parse(r)).toEqual(r);
      // The key also covers SkuId and ChargeDescription, which are not stored: without them it must differ.
      expect(r.record_key).not.toBe(recordKey(r));
      expect(Date.parse(r.charge_period_end) - Date.parse(r.charge_period_start)).toBe(86_400_000);
      expect(r.source).toBe("focus:test");
    }
    expect(new Set(result.records.map((r) => r.record_key)).size).toBe(result.records.length);
  });

  it("maps literal NULL to empty dimensions and keeps Credits and JSON tags", async () => {
    const result = await importFocusFile(SAMPLE_1000(), OPTS);
    const credit = result.records.find((r) => r.charge_category === "Credit");
    expect(credit).toMatchObject({ provider: "aws", resource_id: "", billed_cost: "-2.6137", effective_cost: "-3" });
    const oracle = result.records.filter((r) => r.provider === "oci");
    expect(oracle.every((r) => r.region_id === "")).toBe(true);
    const tagged = result.records.find((r) => r.tags.application === "BrightLensMatrix");
    expect(tagged?.tags).toEqual({ application: "BrightLensMatrix", environment: "dev", business_unit: "ViennaAI" });
    expect(result.records.some((r) => r.provider === "azure" && r.sub_account_id.startsWith("/subscriptions/"))).toBe(true);
  });
});
