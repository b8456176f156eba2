import { createHash } from "node:crypto";
import { z } from "zod";
import { MoneyString } from "./money.js";
import { IsoDate } from "#kernel/days.js";

/** FOCUS 1.2 ChargeCategory values. Credits and taxes stay apart from usage (DESIGN.md §4). */
export const CHARGE_CATEGORIES = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"] as const;
export type ChargeCategory = (typeof CHARGE_CATEGORIES)[number];

/** Normalized provider codes; FOCUS ProviderName values map onto these (see normalizeProvider). */
export const PROVIDERS = ["gcp", "aws", "azure", "oci", "other"] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * AI vendors, the provider of the ledger rows that LLM usage events become. They are kept apart
 * from the cloud providers on purpose: a model bought through Bedrock, Vertex or Azure also shows
 * in that cloud's bill, and the two stay distinguishable. No cloud account has one of these.
 */
export const AI_VENDORS = [
  "openai",
  "anthropic",
  "google-ai",
  "bedrock",
  "azure-openai",
  "mistral",
  "x-ai",
  "deepseek",
  "groq",
  "cohere",
  "together",
  "fireworks",
  "openrouter",
  "perplexity",
  "other-ai",
] as const;
export type AiVendor = (typeof AI_VENDORS)[number];
/** Every provider a ledger row may name: a cloud provider or an AI vendor. */
export const LEDGER_PROVIDERS = [...PROVIDERS, ...AI_VENDORS] as const;
export type LedgerProvider = (typeof LEDGER_PROVIDERS)[number];


export const CostRecordSchema = z
  .object({
    tenant_id: z.string().min(1),
    provider: z.enum(LEDGER_PROVIDERS),
    billing_account_id: z.string(),
    sub_account_id: z.string(),
    service_name: z.string(),
    service_category: z.string(),
    region_id: z.string(),
    resource_id: z.string(),
    charge_category: z.enum(CHARGE_CATEGORIES),
    charge_period_start: IsoDate,
    charge_period_end: IsoDate,
    billed_cost: MoneyString,
    effective_cost: MoneyString,
    list_cost: MoneyString,
    billing_currency: z.string().length(3),
    pricing_quantity: MoneyString.nullable(),
    pricing_unit: z.string(),
    tags: z.record(z.string(), z.string()),
    source: z.string(),
    ingested_at: z.string(),
    record_key: z.string().regex(/^[0-9a-f]{32}$/),
  })
  .strict();

/**
 * One row of the ledger: one tenant, UTC day and dimension combination, FOCUS-named.
 * Money is a decimal string. `record_key` is a hash of the identity columns (the day included),
 * the tag set, the pricing unit and, where the source has them, the SKU and charge description
 * (see recordKey), so re-ingesting a day upserts instead of duplicating.
 */
export type CostRecord = z.infer<typeof CostRecordSchema>;

/** The measures of a row: exact money, its currency and the priced quantity. */
export type CostAmounts = Pick<
  CostRecord,
  "billed_cost" | "effective_cost" | "list_cost" | "billing_currency" | "pricing_quantity" | "pricing_unit"
>;

/** The columns that identify a row; everything else is a measure or lineage. */
export type CostIdentity = Pick<
  CostRecord,
  | "tenant_id"
  | "provider"
  | "billing_account_id"
  | "sub_account_id"
  | "service_name"
  | "service_category"
  | "region_id"
  | "resource_id"
  | "charge_category"
  | "charge_period_start"
>;

const IDENTITY_COLUMNS: readonly (keyof CostIdentity)[] = [
  "tenant_id",
  "provider",
  "billing_account_id",
  "sub_account_id",
  "service_name",
  "service_category",
  "region_id",
  "resource_id",
  "charge_category",
  "charge_period_start",
];

/**
 * What a record_key covers beyond the stored identity columns. `tags` and `pricing_unit` are
 * stored columns; `sku_id` and `charge_description` distinguish rows of sources that have them
 * (FOCUS SkuId and ChargeDescription, a GCP SKU) but are not stored: they only keep two such rows
 * from being merged under one key. docs/ledger.md lists the grain per source.
 */
export interface KeyParts extends CostIdentity {
  tags: Readonly<Record<string, string>>;
  pricing_unit: string;
  sku_id?: string | undefined;
  charge_description?: string | undefined;
}

/**
 * Canonical hash of a tag set: SHA-256 over the pairs sorted by key (code-point order), so that
 * the order a source lists tags in never changes the key. The empty set hashes like any other.
 *
 * @example
 * tagSetHash({ team: "ml", env: "prod" }) === tagSetHash({ env: "prod", team: "ml" }); // true
 */
export function tagSetHash(tags: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(tags)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => [k, tags[k] ?? ""]);
  return createHash("sha256").update(JSON.stringify(pairs)).digest("hex");
}

/**
 * Deterministic 128-bit key over the identity columns, the tag-set hash, the pricing unit, the
 * SKU and the charge description (unit separator between fields). An absent SKU or description
 * hashes as the empty string, so sources without them keep one key per identity, tags and unit.
 *
 * @example
 * recordKey({ ...identity, tags: { team: "ml" }, pricing_unit: "Hours", sku_id: "6F84-..." });
 */
export function recordKey(parts: KeyParts): string {
  const h = createHash("sha256");
  for (const col of IDENTITY_COLUMNS) h.update(`${parts[col]}\u001f`);
  h.update(`${tagSetHash(parts.tags)}\u001f${parts.pricing_unit}\u001f${parts.sku_id ?? ""}\u001f${parts.charge_description ?? ""}\u001f`);
  return h.digest("hex").slice(0, 32);
}

const PROVIDER_ALIASES: Record<string, Provider> = {
  gcp: "gcp",
  google: "gcp",
  "google cloud": "gcp",
  "google cloud platform": "gcp",
  aws: "aws",
  "amazon web services": "aws",
  "amazon web services, inc.": "aws",
  azure: "azure",
  microsoft: "azure",
  "microsoft azure": "azure",
  oci: "oci",
  oracle: "oci",
  "oracle cloud infrastructure": "oci",
};

/** Maps a FOCUS ProviderName (or our own code) to a provider code; unknown names become "other". */
export function normalizeProvider(name: string): Provider {
  return PROVIDER_ALIASES[name.trim().toLowerCase()] ?? "other";
}

/** Dimensions the analysis and the API group by. */
export const COST_DIMENSIONS = ["provider", "sub_account_id", "service_name", "region_id"] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];
