import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CostRecordSchema } from "#domain/billing/cost-record.js";
import { mapAwsCostAndUsage } from "#domain/billing/providers/aws/mapper.js";
import { sharedData } from "../../../../support/shared-data.js";
import { sumOf } from "../../../../support/replay/billing-dataset.js";

const ctx = { tenantId: "t1", ingestedAt: "2026-11-23T00:00:00Z" };
const example = () =>
  JSON.parse(readFileSync(sharedData("aws-cost-explorer", "examples", "get-cost-and-usage.output.json"), "utf8")) as unknown;

describe("mapAwsCostAndUsage on the recorded aws-cli example", () => {
  it("keeps the exact unblended total and keeps the two tag groups apart (the tag set is part of record_key)", () => {
    // Prepare: the example groups S3 by SERVICE and TAG Environment ("Environment$" and "Environment$Dev").
    const json = example();

    // Act
    const records = mapAwsCostAndUsage(json, ctx, { payerAccountId: "123456789012" });

    // Assess: 40.3543773134 + 0.2682364644, exactly, in two records: the groups differ in their tags.
    expect(records).toHaveLength(2);
    expect(new Set(records.map((x) => x.record_key)).size).toBe(2);
    const [r] = records;
    expect(sumOf(records)).toBe("40.6226137778");
    expect(r?.service_name).toBe("Amazon Simple Storage Service");
    expect(r?.service_category).toBe("Storage");
    expect(r?.charge_period_start).toBe("2017-09-01");
    expect(r?.charge_period_end).toBe("2017-10-01");
    expect(r?.billing_currency).toBe("USD");
    expect(r?.tags).toEqual({});
    expect(r?.sub_account_id).toBe("123456789012");
    expect(CostRecordSchema.safeParse(r).success).toBe(true);
  });

  it("keeps a tag when a group carries it alone", () => {
    // Prepare: only the Environment$Dev group.
    const json = example() as { ResultsByTime: { Groups: unknown[] }[] };
    json.ResultsByTime[0]!.Groups = json.ResultsByTime[0]!.Groups.slice(1);

    // Act
    const [r] = mapAwsCostAndUsage(json, ctx);

    // Assess
    expect(r?.tags).toEqual({ Environment: "Dev" });
    expect(r?.billed_cost).toBe("0.2682364644");
  });

  it.each([
    ["RECORD_TYPE Credit", "Credit", "Credit"],
    ["RECORD_TYPE Refund", "Refund", "Credit"],
    ["RECORD_TYPE Tax", "Tax", "Tax"],
    ["RECORD_TYPE RIFee", "RIFee", "Purchase"],
  ])("maps %s to ChargeCategory %s", (_label, recordType, expected) => {
    // Prepare
    const json = {
      GroupDefinitions: [{ Type: "DIMENSION", Key: "RECORD_TYPE" }],
      ResultsByTime: [
        { TimePeriod: { Start: "2026-01-01", End: "2026-01-02" }, Groups: [{ Keys: [recordType], Metrics: { UnblendedCost: { Amount: "-1.5", Unit: "USD" } } }] },
      ],
    };

    // Act
    const [r] = mapAwsCostAndUsage(json, ctx);

    // Assess
    expect(r?.charge_category).toBe(expected);
  });

  it.each([
    ["not an object", 42],
    ["no ResultsByTime", {}],
    ["amount not a number", { ResultsByTime: [{ TimePeriod: { Start: "2026-01-01", End: "2026-01-02" }, Groups: [{ Keys: ["S3"], Metrics: { UnblendedCost: { Amount: "1e", Unit: "USD" } } }] }] }],
  ])("refuses a body that is %s with a RangeError", (_label, body) => {
    expect(() => mapAwsCostAndUsage(body, ctx)).toThrow(RangeError);
  });
});
