import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CostRecordSchema } from "#domain/billing/cost-record.js";
import { mapAzureQueryResult } from "#domain/billing/providers/azure/mapper.js";
import { sumOf } from "../../../../support/replay/billing-dataset.js";
import { sharedData } from "../../../../support/shared-data.js";

const ctx = { tenantId: "t1", ingestedAt: "2026-11-23T00:00:00Z" };
const example = (name: string) =>
  JSON.parse(readFileSync(sharedData("azure-cost-management-2025-03-01", "examples", name), "utf8")) as unknown;
const SUB = "00000000-0000-0000-0000-000000000000";

describe("mapAzureQueryResult on the recorded 2025-03-01 examples", () => {
  it("maps SubscriptionQuery: yyyymmdd dates, currency column, resource groups, exact total", () => {
    // Prepare
    const json = example("SubscriptionQuery.json");

    // Act
    const records = mapAzureQueryResult(json, ctx, { subscriptionId: SUB });

    // Assess: the four PreTaxCost values as written in the file, summed exactly.
    expect(records).toHaveLength(4);
    expect(sumOf(records)).toBe("220.945005212619364152");
    expect(records.map((r) => r.charge_period_start)).toEqual(["2018-03-31", "2018-03-31", "2018-04-01", "2018-04-29"]);
    expect(records[0]?.charge_period_end).toBe("2018-04-01");
    expect(records[1]?.resource_id).toBe(`/subscriptions/${SUB}/resourceGroups/Ict_StratAndPlan_GoldSprova_Prod`);
    expect(records[1]?.billed_cost).toBe("218.68795741935486");
    expect(new Set(records.map((r) => r.billing_currency))).toEqual(new Set(["USD"]));
    for (const r of records) expect(CostRecordSchema.safeParse(r).success).toBe(true);
  });

  it("maps SubscriptionQueryGrouping (granularity None) onto the day the caller names", () => {
    // Prepare
    const json = example("SubscriptionQueryGrouping.json");

    // Act
    const records = mapAzureQueryResult(json, ctx, { subscriptionId: SUB, defaultDay: "2026-10-01" });

    // Assess
    expect(records).toHaveLength(4);
    expect(sumOf(records)).toBe("220.945005212619364152");
    expect(new Set(records.map((r) => r.charge_period_start))).toEqual(new Set(["2026-10-01"]));
  });

  it("accepts the SDK's flattened QueryResult and a raw REST body alike", () => {
    // Prepare
    const body = (example("SubscriptionQuery.json") as { responses: { "200": { body: { properties: unknown } } } }).responses["200"].body;

    // Act
    const fromRest = mapAzureQueryResult(body, ctx, { subscriptionId: SUB });
    const fromSdk = mapAzureQueryResult(body.properties, ctx, { subscriptionId: SUB });

    // Assess
    expect(fromSdk).toEqual(fromRest);
  });

  it.each([
    ["without a cost column", { columns: [{ name: "UsageDate" }], rows: [[20260101]] }, /no cost column/],
    ["with a bad date", { columns: [{ name: "Cost" }, { name: "UsageDate" }], rows: [[1, 2026]] }, /not yyyymmdd/],
    ["with a text amount", { columns: [{ name: "Cost" }, { name: "UsageDate" }], rows: [["ten", 20260101]] }, /not a decimal/],
    ["without rows", { columns: [] }, /not a Cost Management query result/],
  ])("refuses a result %s", (_label, body, message) => {
    expect(() => mapAzureQueryResult(body, ctx)).toThrow(message);
  });
});
