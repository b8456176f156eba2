import { z } from "zod";
import { type DayWindow, monthPages } from "#kernel/days.js";
import { InputError } from "#kernel/errors.js";
import { buildCostAndUsageRequest } from "../billing/providers/aws/query.js";
import { AwsScopeSchema } from "../billing/providers/aws/source.js";
import { buildQueryDefinition } from "../billing/providers/azure/query.js";
import { AzureScopeSchema, scopePath } from "../billing/providers/azure/source.js";
import { buildCostQuery } from "../billing/providers/gcp/query.js";
import { GcpScopeSchema } from "../billing/providers/gcp/source.js";
import type { Provider } from "../billing/cost-record.js";
import { SOURCE_TEMPLATES } from "./source-templates.js";

/**
 * The registry of cloud-account templates: one per way a tenant connects a billing source. A
 * template names the provider, documents each scope field and credential field, validates a scope
 * with the same schema the provider's collector uses (so an account that onboards is one the
 * nightly can collect), and plans the provider calls a backfill makes, built with the collectors'
 * own request builders. `costmon account add` and the connectCloudAccount callable both go
 * through it.
 */

export interface TemplateField {
  name: string;
  required: boolean;
  /** A list field takes several values (comma-separated on the command line). */
  list?: boolean;
  description: string;
  example: string;
}

/** One provider call the nightly makes for one page of the window. */
export interface PlannedCall {
  page: DayWindow;
  api: string;
  /** The request as the collector builds it (body, SQL and parameters). */
  request: unknown;
}

export interface AccountPlan {
  calls: PlannedCall[];
  /** Calls before pagination: each call may take more pages when the answer is large. */
  minimumCalls: number;
  /** What the calls cost or read, as far as it is known before running them. */
  estimate: string;
}

export interface AccountTemplate {
  name: string;
  /** The account's provider; "other" for sources of their own (OpenCost, Vultr, a FOCUS export of any providers). */
  provider: Provider;
  title: string;
  fields: TemplateField[];
  credentials: { fields: TemplateField[]; required: boolean; note: string };
  /** Scope keys the template sets itself. */
  fixed: Record<string, string>;
  schema: z.ZodType;
  /** Extra rules on top of the provider's scope schema. */
  refine?: (scope: Record<string, unknown>) => string | null;
  plan(scope: Record<string, unknown>, window: DayWindow): AccountPlan;
  /**
   * Why this scope may only be connected by an operator (`costmon account add`), never through the
   * connectCloudAccount callable; null when anyone may. A folder is read on the platform's machine.
   */
  operatorOnly?: (scope: Record<string, unknown>) => string | null;
}

const pages = (window: DayWindow) => monthPages(window);

const awsPlan = (scope: Record<string, unknown>, window: DayWindow): AccountPlan => {
  const s = AwsScopeSchema.parse(scope);
  const calls = pages(window).flatMap((page) =>
    (["usage", "credits"] as const).map((kind) => ({ page, api: `ce:GetCostAndUsage (${kind})`, request: buildCostAndUsageRequest(page, kind, s.linkedAccountIds) })),
  );
  return {
    calls,
    minimumCalls: calls.length,
    // AWS bills Cost Explorer API requests per paginated request (0.01 USD at the time of writing).
    estimate: `${calls.length} GetCostAndUsage requests or more (one more per NextPageToken); Cost Explorer bills each paginated request`,
  };
};

const azurePlan = (scope: Record<string, unknown>, window: DayWindow): AccountPlan => {
  const s = AzureScopeSchema.parse(scope);
  const filters = s.scopeType === "billingAccount" ? s.subscriptionIds.map((id) => [id]) : [undefined];
  const calls = pages(window).flatMap((page) =>
    filters.flatMap((filter) =>
      (["ActualCost", "AmortizedCost"] as const).map((type) => ({
        page,
        api: `POST /${scopePath(s)}/providers/Microsoft.CostManagement/query (${type}${filter ? `, subscription ${filter[0]}` : ""})`,
        request: buildQueryDefinition(page, filter, type),
      })),
    ),
  );
  return {
    calls,
    minimumCalls: calls.length,
    estimate: `${calls.length} Cost Management queries or more (one more per nextLink); they count against the scope's Cost Management rate limits`,
  };
};

const gcpPlan = (scope: Record<string, unknown>, window: DayWindow): AccountPlan => {
  const s = GcpScopeSchema.parse(scope);
  const calls = pages(window).map((page) => ({
    page,
    api: "bigquery.jobs.query",
    request: buildCostQuery({
      table: s.table,
      kind: s.exportKind,
      window: page,
      projects: s.projectIds,
      ...(s.labelKey !== undefined ? { labelFilter: { key: s.labelKey, value: s.labelValue ?? "" } } : {}),
    }),
  }));
  return {
    calls,
    minimumCalls: calls.length,
    estimate: `${calls.length} BigQuery queries (plus getQueryResults pages); each scans the export's partitions of its month and the late days after it, billed to the platform's project`,
  };
};

const f = (name: string, required: boolean, description: string, example: string, list = false): TemplateField => ({
  name,
  required,
  description,
  example,
  ...(list ? { list } : {}),
});

/** Tags to carry into the ledger: AWS and Azure split usage by them with extra queries (docs/ledger.md). */
const TAG_FIELDS: readonly TemplateField[] = [
  f("tagKeys", false, "tag keys to carry into the ledger, at most 5 (AWS: activated cost allocation tags)", "team,env", true),
  f("tagQueryLimit", false, "cap on the extra queries one collection may spend on the tag split (default 100)", "100"),
];

const AWS_CREDENTIALS = {
  fields: [
    f("roleArn", false, "IAM role the platform assumes, with ce:GetCostAndUsage (production)", "arn:aws:iam::123456789012:role/costmon-reader"),
    f("externalId", false, "external id the role's trust policy requires", "costmon-acme"),
    f("accessKeyId", false, "static access key (local runs and tests only), with secretAccessKey", "AKIA…"),
    f("secretAccessKey", false, "the static key's secret", "…"),
  ],
  required: true,
  note: "either roleArn (and optionally externalId) or accessKeyId and secretAccessKey",
};

const AZURE_CREDENTIALS = {
  fields: [
    f("tenantId", true, "Microsoft Entra tenant of the service principal", "00000000-0000-0000-0000-000000000000"),
    f("clientId", true, "application (client) id of the service principal", "00000000-0000-0000-0000-000000000000"),
    f("clientSecret", true, "its client secret", "…"),
  ],
  required: true,
  note: "a service principal with Cost Management Reader on the scope",
};

const CLOUD_TEMPLATES: readonly AccountTemplate[] = [
  {
    name: "gcp-billing-export",
    provider: "gcp",
    title: "GCP Cloud Billing export to BigQuery (standard, detailed or FOCUS view)",
    fields: [
      f("billingAccountId", true, "the Cloud Billing account", "01338E-BE3FD6-363B4C"),
      f("projectIds", true, "projects whose costs the tenant may see", "acme-prod,acme-dev", true),
      f("table", true, "the export table, project.dataset.table", "billing-admin.billing_export.gcp_billing_export_resource_v1_01338E_BE3FD6_363B4C"),
      f("exportKind", false, "standard, detailed (default) or focus", "detailed"),
      f("location", false, "the dataset's location, when not US or EU", "europe-west4"),
      f("labelKey", false, "only rows with this label (with labelValue)", "team"),
      f("labelValue", false, "the label's value", "payments"),
    ],
    credentials: {
      fields: [
        f("client_email", false, "the service account of a key that can read the export", "reader@acme.iam.gserviceaccount.com"),
        f("private_key", false, "the key's PEM private key", "-----BEGIN PRIVATE KEY-----…"),
      ],
      required: false,
      note: "a service-account key JSON; without one the platform's own identity reads the export the tenant shared with it",
    },
    fixed: {},
    schema: GcpScopeSchema,
    plan: gcpPlan,
  },
  {
    name: "aws-payer",
    provider: "aws",
    title: "AWS payer (management) account: every linked account of the organization",
    fields: [f("payerAccountId", true, "the payer account, 12 digits", "123456789012"), ...TAG_FIELDS],
    credentials: AWS_CREDENTIALS,
    fixed: {},
    schema: AwsScopeSchema,
    plan: awsPlan,
  },
  {
    name: "aws-linked",
    provider: "aws",
    title: "AWS linked accounts, read through their payer with a role",
    fields: [
      f("payerAccountId", true, "the payer account, 12 digits", "123456789012"),
      f("linkedAccountIds", true, "the linked accounts the tenant may see", "210987654321,345678901234", true),
      ...TAG_FIELDS,
    ],
    credentials: AWS_CREDENTIALS,
    fixed: {},
    schema: AwsScopeSchema,
    refine: (s) => (Array.isArray(s.linkedAccountIds) && s.linkedAccountIds.length > 0 ? null : "linkedAccountIds: at least one linked account"),
    plan: awsPlan,
  },
  {
    name: "azure-subscription",
    provider: "azure",
    title: "Azure subscription",
    fields: [
      f("subscriptionId", true, "the subscription GUID", "00000000-0000-0000-0000-00000000a1b2"),
      f("billingAccountId", true, "its billing account (EA enrollment or MCA account), recorded on each row", "7102234"),
      ...TAG_FIELDS,
    ],
    credentials: AZURE_CREDENTIALS,
    fixed: { scopeType: "subscription" },
    schema: AzureScopeSchema,
    plan: azurePlan,
  },
  {
    name: "azure-resource-group",
    provider: "azure",
    title: "Azure resource group",
    fields: [
      f("subscriptionId", true, "the subscription GUID", "00000000-0000-0000-0000-00000000a1b2"),
      f("resourceGroup", true, "the resource group name", "rg-payments"),
      f("billingAccountId", true, "its billing account (EA enrollment or MCA account), recorded on each row", "7102234"),
      ...TAG_FIELDS,
    ],
    credentials: AZURE_CREDENTIALS,
    fixed: { scopeType: "resourceGroup" },
    schema: AzureScopeSchema,
    plan: azurePlan,
  },
  {
    name: "azure-billing-account",
    provider: "azure",
    title: "Azure EA or MCA billing account, limited to the listed subscriptions",
    fields: [
      f("billingAccountId", true, "the EA enrollment or MCA billing account id", "7102234"),
      f("subscriptionIds", true, "subscriptions the tenant may see", "00000000-0000-0000-0000-00000000a1b2", true),
      ...TAG_FIELDS,
    ],
    credentials: AZURE_CREDENTIALS,
    fixed: { scopeType: "billingAccount" },
    schema: AzureScopeSchema,
    plan: azurePlan,
  },
];

/** Every template: the cloud providers' above, then the FOCUS export, OpenCost and Vultr (source-templates.ts). */
export const ACCOUNT_TEMPLATES: readonly AccountTemplate[] = [...CLOUD_TEMPLATES, ...SOURCE_TEMPLATES];

export const TEMPLATE_NAMES = ACCOUNT_TEMPLATES.map((t) => t.name);

export function findTemplate(name: string): AccountTemplate | undefined {
  return ACCOUNT_TEMPLATES.find((t) => t.name === name);
}

/**
 * Checks a scope against a template: only its fields, each valid as the provider's collector
 * reads it. Returns the scope as stored (the template's fixed keys added); throws an InputError
 * naming each bad field.
 *
 * @example
 *   validateTemplateScope(findTemplate("aws-linked")!, { payerAccountId: "123456789012", linkedAccountIds: ["210987654321"] });
 */
export function validateTemplateScope(template: AccountTemplate, scope: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(template.fields.map((x) => x.name));
  // A fixed key may come back with its own value: validating a stored scope again is a no-op.
  const unknown = Object.keys(scope).filter((k) => !known.has(k) && scope[k] !== template.fixed[k]);
  const issues: { path: string; message: string }[] = unknown.map((k) => ({
    path: `scope.${k}`,
    message: `not a field of template ${template.name} (fields: ${[...known].join(", ")})`,
  }));
  for (const field of template.fields) {
    if (field.required && scope[field.name] === undefined) issues.push({ path: `scope.${field.name}`, message: `required: ${field.description}` });
  }
  const candidate = { ...scope, ...template.fixed };
  const r = template.schema.safeParse(candidate);
  if (!r.success) {
    for (const i of r.error.issues) {
      const path = ["scope", ...i.path.map(String)].join(".");
      // A missing field is reported once, with its description, above.
      if (!issues.some((x) => x.path === path)) issues.push({ path, message: i.message });
    }
  } else if (issues.length === 0) {
    const extra = template.refine?.(candidate);
    if (extra) issues.push({ path: `scope.${extra.split(":")[0]}`, message: extra.split(": ").slice(1).join(": ") || extra });
  }
  if (issues.length > 0) {
    throw new InputError(`scope does not fit template ${template.name}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
  }
  // The stored scope keeps what was given (lists as lists), plus the template's fixed keys.
  return { ...scope, ...template.fixed };
}

export const TemplateNameSchema = z.enum(TEMPLATE_NAMES as [string, ...string[]]);
