import { readFileSync } from "node:fs";
import Big from "big.js";
import { daysInWindow, type DayWindow } from "#kernel/days.js";
import { sharedData } from "../shared-data.js";

/**
 * The "truth" behind the replay servers: daily rows per account and service, derived from the
 * recorded real examples in ../shared/data (their services, resource groups, units and amounts),
 * spread over the requested days by an exact, deterministic factor. Each server renders these
 * rows in its provider's wire format; tests compare what the collector returns with these sums.
 */
export interface TruthRow {
  date: string;
  account: string;
  service: string;
  region: string;
  resourceGroup: string;
  category: "Usage" | "Credit";
  cost: string;
  effective: string;
  list: string;
  currency: string;
  unit: string;
  quantity: string;
  /** Resource tags (AWS cost allocation tags, Azure tags, GCP resource labels). */
  tags?: Record<string, string>;
  /** GCP only: the project's labels and the system labels of the row. */
  projectLabels?: Record<string, string>;
  systemLabels?: Record<string, string>;
  /** GCP only: sku.id. */
  sku?: string;
  /** AWS USAGE_TYPE and Azure MeterCategory, for the root-cause drill-downs. */
  usageType?: string;
  meterCategory?: string;
}

/** A service's recorded line before it is spread over days and accounts. */
type BaseItem = Omit<TruthRow, "date" | "account" | "category">;

function readJson(...parts: string[]): unknown {
  return JSON.parse(readFileSync(sharedData(...parts), "utf8"));
}

/** A Cost Explorer TAG group key, `key$value`, as an item's tags (none for `key$`). */
function tagOfKey(key: string | undefined): { tags?: Record<string, string> } {
  if (!key?.includes("$")) return {};
  const value = key.slice(key.indexOf("$") + 1);
  return value === "" ? {} : { tags: { [key.slice(0, key.indexOf("$"))]: value } };
}

type AwsExample = { ResultsByTime: { Groups: { Metrics: Record<string, { Amount: string; Unit: string }>; Keys: string[] }[] }[] };

/**
 * The aws-cli example's two S3 groups: unblended as billed, blended standing in for amortized.
 * The example groups by SERVICE and TAG Environment: its keys `Environment$` (no tag) and
 * `Environment$Dev` become the items' tags.
 */
export function awsBaseItems(): BaseItem[] {
  const ex = readJson("aws-cost-explorer", "examples", "get-cost-and-usage.output.json") as AwsExample;
  return (ex.ResultsByTime[0]?.Groups ?? []).map((g) => ({
    ...tagOfKey(g.Keys[1]),
    service: g.Keys[0] ?? "",
    region: "",
    resourceGroup: "",
    cost: g.Metrics.UnblendedCost?.Amount ?? "0",
    effective: g.Metrics.BlendedCost?.Amount ?? "0",
    list: g.Metrics.UnblendedCost?.Amount ?? "0",
    currency: g.Metrics.UnblendedCost?.Unit ?? "USD",
    unit: "",
    quantity: "0",
  }));
}

type AzureExample = { responses: { "200": { body: { properties: { rows: [number, string, number, string][] } } } } };

/** The SubscriptionQuery example's rows: PreTaxCost and resource group, in the two locations its filter names. */
export function azureBaseItems(): BaseItem[] {
  const ex = readJson("azure-cost-management-2025-03-01", "examples", "SubscriptionQuery.json") as AzureExample;
  const services = ["Virtual Machines", "Storage"];
  const locations = ["East US", "West Europe"];
  return ex.responses["200"].body.properties.rows.map((r, i) => ({
    service: services[i % 2] ?? "",
    region: locations[Math.floor(i / 2) % 2] ?? "",
    resourceGroup: r[1],
    cost: String(r[0]),
    // Amortized cost differs from actual once reservations are spread; 90% keeps the two apart.
    effective: new Big(String(r[0])).times("0.9").toFixed(),
    list: String(r[0]),
    currency: r[3],
    unit: "",
    quantity: "0",
  }));
}

type GcpRow = {
  service: { description: string };
  sku: { id: string };
  project: { labels: { key: string; value: string }[] };
  location: { region: string };
  cost: number;
  cost_at_list: number;
  currency: string;
  usage: { pricing_unit: string; amount_in_pricing_units: number };
};

/** The detailed-export sample row (Compute Engine PD capacity in europe-west4, EUR). */
export function gcpBaseItems(): BaseItem[] {
  const row = readJson("gcp-billing-export-schema", "sample-rows", "detailed_export_row_example_emissionLabeler.json") as GcpRow;
  return [
    {
      service: row.service.description,
      region: row.location.region,
      resourceGroup: "",
      cost: String(row.cost),
      effective: String(row.cost),
      list: String(row.cost_at_list),
      currency: row.currency,
      unit: row.usage.pricing_unit,
      quantity: String(row.usage.amount_in_pricing_units),
      // Recorded: the row's SKU and its project's labels (its resource and system labels are empty).
      sku: row.sku.id,
      projectLabels: Object.fromEntries(row.project.labels.map((l) => [l.key, l.value])),
    },
  ];
}

/** Exact factor in [1.0, 2.0] that varies by day and account, so no two days look alike. */
function factor(dayIndex: number, accountIndex: number, salt: number): Big {
  return new Big(10 + ((dayIndex * 7 + accountIndex * 3 + salt) % 11)).div(10);
}

/**
 * Truth rows for a window: every base item on every day for every account, plus a credit on
 * every fifth day (a negative amount kept apart from usage). `dp` caps decimals for providers
 * whose wire format is a JSON float (Azure): amounts then survive the float round trip exactly.
 */
export function truthRows(
  base: BaseItem[],
  accounts: string[],
  window: DayWindow,
  opts: { dp?: number; salt?: number; credits?: boolean } = {},
): TruthRow[] {
  const rows: TruthRow[] = [];
  const fix = (b: Big) => (opts.dp === undefined ? b.toFixed() : b.round(opts.dp, Big.roundHalfEven).toFixed());
  daysInWindow(window).forEach((date, di) => {
    accounts.forEach((account, ai) => {
      base.forEach((item, bi) => {
        const f = factor(di, ai, (opts.salt ?? 0) + bi);
        rows.push({
          date,
          account,
          service: item.service,
          region: item.region,
          resourceGroup: item.resourceGroup,
          category: "Usage",
          cost: fix(new Big(item.cost).times(f)),
          effective: fix(new Big(item.effective).times(f)),
          list: fix(new Big(item.list).times(f)),
          currency: item.currency,
          unit: item.unit,
          quantity: fix(new Big(item.quantity).times(f)),
          ...(item.tags ? { tags: { ...item.tags } } : {}),
          ...(item.projectLabels ? { projectLabels: { ...item.projectLabels } } : {}),
          ...(item.systemLabels ? { systemLabels: { ...item.systemLabels } } : {}),
          ...(item.sku ? { sku: item.sku } : {}),
          ...(item.usageType ? { usageType: item.usageType } : {}),
          ...(item.meterCategory ? { meterCategory: item.meterCategory } : {}),
        });
      });
      const first = base[0];
      if (opts.credits !== false && first && di % 5 === 0) {
        const credit = fix(new Big(first.cost).times(-0.25));
        const { tags: _tags, ...untagged } = first;
        rows.push({
          ...untagged,
          date,
          account,
          category: "Credit",
          cost: credit,
          effective: credit,
          list: "0",
          quantity: "0",
        });
      }
    });
  });
  return rows;
}

/** Exact sum of effective cost (CostRecords) or of the truth's effective column. */
export function effectiveSumOf(rows: { effective?: string; effective_cost?: string }[]): string {
  return rows.reduce((s, r) => s.plus(r.effective_cost ?? r.effective ?? "0"), new Big(0)).toFixed();
}

export function sumOf(rows: { cost?: string; billed_cost?: string }[]): string {
  return rows.reduce((s, r) => s.plus(r.billed_cost ?? r.cost ?? "0"), new Big(0)).toFixed();
}
