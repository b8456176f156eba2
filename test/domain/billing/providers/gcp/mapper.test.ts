import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CostRecordSchema } from "#domain/billing/cost-record.js";
import { mapGcpDailyRows, mapGcpExportRows } from "#domain/billing/providers/gcp/mapper.js";
import { buildCostQuery } from "#domain/billing/providers/gcp/query.js";
import { sumOf } from "../../../../support/replay/billing-dataset.js";
import { sharedData } from "../../../../support/shared-data.js";

const ctx = { tenantId: "t1", ingestedAt: "2026-11-23T00:00:00Z" };
const GCP = "gcp-billing-export-schema";
const sample = () =>
  JSON.parse(readFileSync(sharedData(GCP, "sample-rows", "detailed_export_row_example_emissionLabeler.json"), "utf8")) as Record<string, unknown>;

function hourly(hours: number, patch: (h: number) => Record<string, unknown> = () => ({})): unknown[] {
  return Array.from({ length: hours }, (_, h) => ({
    ...sample(),
    usage_start_time: `2024-05-12 ${String(h).padStart(2, "0")}:00:00 UTC`,
    ...patch(h),
  }));
}

describe("mapGcpExportRows on the recorded detailed-export row", () => {
  it("maps the sample row field by field", () => {
    // Prepare
    const row = sample();

    // Act
    const [r, ...rest] = mapGcpExportRows([row], ctx);

    // Assess
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({
      provider: "gcp",
      billing_account_id: "003576-4CB9A5-BC33DB",
      sub_account_id: "voormedia-187708",
      service_name: "Compute Engine",
      service_category: "Compute",
      region_id: "europe-west4",
      charge_category: "Usage",
      charge_period_start: "2024-05-12",
      charge_period_end: "2024-05-13",
      billed_cost: "0.012434",
      list_cost: "0.012434",
      billing_currency: "EUR",
      pricing_quantity: "0.071217891",
      pricing_unit: "gibibyte month",
      source: "gcp-billing-export",
    });
    expect(CostRecordSchema.safeParse(r).success).toBe(true);
  });

  it("sums a day of hourly rows exactly and keeps credits as a separate Credit record", () => {
    // Prepare: 24 hours at 0.012434 EUR; every fourth hour carries a -0.001 sustained-use credit.
    const rows = hourly(24, (h) => (h % 4 === 0 ? { credits: [{ name: "Sustained use", amount: -0.001, type: "SUSTAINED_USAGE_DISCOUNT" }] } : {}));

    // Act
    const records = mapGcpExportRows(rows, ctx);

    // Assess
    const usage = records.filter((r) => r.charge_category === "Usage");
    const credit = records.filter((r) => r.charge_category === "Credit");
    expect(usage).toHaveLength(1);
    expect(usage[0]?.billed_cost).toBe("0.298416");
    expect(usage[0]?.pricing_quantity).toBe("1.709229384");
    expect(credit).toHaveLength(1);
    expect(credit[0]?.billed_cost).toBe("-0.006");
    expect(sumOf(records)).toBe("0.292416");
  });

  it.each([
    ["tax", "Tax"],
    ["adjustment", "Adjustment"],
    ["rounding_error", "Adjustment"],
    ["regular", "Usage"],
  ])("maps cost_type %s to ChargeCategory %s", (costType, category) => {
    const [r] = mapGcpExportRows([{ ...sample(), cost_type: costType }], ctx);
    expect(r?.charge_category).toBe(category);
  });

  it("keeps rows of different pricing units apart (the unit is part of record_key), summing exactly", () => {
    // Prepare
    const rows = [sample(), { ...sample(), usage: { pricing_unit: "hour", amount_in_pricing_units: 2 } }];

    // Act
    const records = mapGcpExportRows(rows, ctx);

    // Assess
    expect(records).toHaveLength(2);
    expect(sumOf(records)).toBe("0.024868");
    expect(records.find((r) => r.pricing_unit === "hour")?.pricing_quantity).toBe("2");
  });

  it.each([
    ["a missing currency", { currency: undefined }, /currency/],
    ["a bad timestamp", { usage_start_time: "yesterday" }, /usage_start_time/],
    ["a text cost", { cost: "a lot" }, /cost/],
  ])("refuses a row with %s, naming the row", (_label, patch, message) => {
    expect(() => mapGcpExportRows([sample(), { ...sample(), ...patch }], ctx)).toThrow(message);
  });
});

describe("mapGcpDailyRows on the query's own cells", () => {
  it("reads BigQuery cell shapes: {value} dates and big.js-like NUMERIC", () => {
    // Prepare: what @google-cloud/bigquery hands over for DATE and NUMERIC columns.
    const numeric = (v: string) => ({ toFixed: () => v });
    const row = {
      usage_date: { value: "2026-10-01" },
      billing_account_id: "01338E-BE3FD6-363B4C",
      project_id: "proj-aaaaa",
      service_name: "BigQuery",
      region: "US",
      pricing_unit: "tebibyte",
      cost_type: "regular",
      currency: "USD",
      cost: numeric("12.500000001"),
      cost_at_list: numeric("13"),
      pricing_quantity: numeric("2.5"),
      credits: numeric("-1.25"),
    };

    // Act
    const records = mapGcpDailyRows([row], ctx);

    // Assess
    expect(records.map((r) => [r.charge_category, r.billed_cost, r.list_cost])).toEqual([
      ["Usage", "12.500000001", "13"],
      ["Credit", "-1.25", "0"],
    ]);
    expect(records[0]?.service_category).toBe("Databases");
  });
});

describe("mapGcpDailyRows on FOCUS-view rows", () => {
  it.each([
    ["Usage", "Usage"],
    ["Credit", "Credit"],
    ["Tax", "Tax"],
    ["Purchase", "Purchase"],
  ])("takes ChargeCategory %s and EffectiveCost from the view", (category, expected) => {
    // Prepare: the FOCUS query's columns (charge_category and effective_cost instead of cost_type/credits).
    const row = {
      usage_date: "2026-10-02",
      billing_account_id: "01338E-BE3FD6-363B4C",
      project_id: "proj-aaaaa",
      service_name: "Cloud Storage",
      region: "europe-west4",
      pricing_unit: "",
      charge_category: category,
      currency: "EUR",
      cost: "-2.5",
      effective_cost: "-2.25",
      cost_at_list: "0",
      pricing_quantity: "0",
    };

    // Act
    const [r] = mapGcpDailyRows([row], ctx);

    // Assess
    expect(r).toMatchObject({ charge_category: expected, billed_cost: "-2.5", effective_cost: "-2.25", list_cost: "0" });
  });
});

describe("the export SQL against the recorded table schemas", () => {
  const schemaPaths = (file: string): Set<string> => {
    type Field = { name: string; fields?: Field[] };
    const out = new Set<string>();
    const walk = (fields: Field[], prefix: string) => {
      for (const f of fields) {
        out.add(prefix + f.name);
        if (f.fields) walk(f.fields, `${prefix}${f.name}.`);
      }
    };
    walk(JSON.parse(readFileSync(sharedData(GCP, file), "utf8")) as Field[], "");
    return out;
  };

  // Every column the query reads; each must appear in the SQL and exist in both export tables.
  const USED = [
    "usage_start_time",
    "billing_account_id",
    "project.id",
    "service.description",
    "location.region",
    "location.location",
    "usage.pricing_unit",
    "usage.amount_in_pricing_units",
    "cost_type",
    "currency",
    "cost",
    "cost_at_list",
    "credits.amount",
    "labels.key",
    "labels.value",
  ];

  it.each(["gcp_billing_export_v1.bq-schema.json", "gcp_billing_export_resource_v1.bq-schema.json"])(
    "reads only columns that %s has",
    (file) => {
      // Prepare
      const paths = schemaPaths(file);
      const sql = buildCostQuery({
        table: "p-12345.d.t",
        kind: "standard",
        window: { start: "2026-01-01", end: "2026-01-01" },
        projects: ["p-12345"],
        labelFilter: { key: "k", value: "v" },
      }).query;

      // Act
      const missing = USED.filter((p) => !paths.has(p));

      // Assess
      expect(missing).toEqual([]);
      for (const p of USED) expect(sql).toContain(p.split(".").at(-1));
    },
  );
});
