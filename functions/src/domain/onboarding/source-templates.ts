import { z } from "zod";
import { addDays, type DayWindow, monthPages } from "#kernel/days.js";
import { FocusExportScopeSchema } from "../billing/providers/focus/export-source.js";
import { allocationQuery, OpenCostScopeSchema } from "../billing/providers/opencost/source.js";
import { VULTR_PER_PAGE } from "../billing/providers/vultr/source.js";
import type { AccountPlan, AccountTemplate, TemplateField } from "./account-templates.js";

/**
 * The templates of sources that are not a cloud provider's billing API: a FOCUS export in a
 * folder (or, declared but not read yet, a Cloud Storage bucket), a Kubernetes cluster's OpenCost,
 * and a Vultr account. Each validates its scope with its source's own schema and plans the calls
 * the nightly makes, as the cloud templates do (account-templates.ts).
 */

const f = (name: string, required: boolean, description: string, example: string): TemplateField => ({ name, required, description, example });

const focusPlan = (scope: Record<string, unknown>, window: DayWindow): AccountPlan => {
  const s = FocusExportScopeSchema.parse(scope);
  const where = s.folder !== undefined ? `folder ${s.folder}` : `gs://${s.bucket}/${s.prefix ?? ""}`;
  const calls = monthPages(window).map((page) => ({
    page,
    api: s.folder !== undefined ? `read ${where} (every .csv, .csv.gz and .parquet under it, as one import unit)` : `read ${where} (not built: Cloud Storage is not read yet)`,
    request: s.folder !== undefined ? { folder: s.folder } : { bucket: s.bucket, prefix: s.prefix ?? "" },
  }));
  return {
    calls,
    minimumCalls: calls.length,
    estimate: `${calls.length} reads of the whole ${where}, one per monthly page, each keeping the rows of its page; no provider API is called`,
  };
};

const openCostPlan = (scope: Record<string, unknown>, window: DayWindow): AccountPlan => {
  const s = OpenCostScopeSchema.parse(scope);
  const calls = monthPages(window).flatMap((page) => [
    { page, api: "GET {url}/allocation", request: allocationQuery(page, s.aggregate) },
    ...(s.billSplit === "cloudCost" ? [{ page, api: "GET {url}/cloudCost", request: { window: allocationQuery(page, "provider").window, aggregate: "provider", accumulate: "day" } }] : []),
    ...(s.billSplit === "nodes"
      ? [
          { page, api: "GET {url}/allocation", request: allocationQuery(page, "node") },
          { page, api: "GET {url}/cloudCost", request: { window: allocationQuery(page, "providerID").window, aggregate: "providerID", accumulate: "day" } },
        ]
      : []),
  ]);
  return {
    calls,
    minimumCalls: calls.length,
    estimate: `${calls.length} OpenCost API calls (one /allocation per monthly page${s.billSplit === "cloudCost" ? " and one /cloudCost" : s.billSplit === "nodes" ? ", one /allocation by node and one /cloudCost by resource" : ""}); each /allocation answer holds one allocation per ${s.aggregate} key per day. OpenCost answers only for the days its Prometheus still holds`,
  };
};

const vultrPlan = (_scope: Record<string, unknown>, window: DayWindow): AccountPlan => {
  const today = addDays(window.end, 1);
  const calls = monthPages(window).flatMap((page) => [
    { page, api: "GET billing/invoices (every page)", request: { per_page: VULTR_PER_PAGE } },
    { page, api: "GET billing/invoices/{id}/items (every page) for each invoice dated in the page's month or the next", request: { per_page: VULTR_PER_PAGE } },
    ...(page.start.slice(0, 7) === today.slice(0, 7) ? [{ page, api: "GET billing/pending-charges", request: {} }] : []),
  ]);
  return {
    calls,
    minimumCalls: calls.filter((c) => !c.api.includes("items")).length,
    estimate: `${calls.filter((c) => !c.api.includes("items")).length} Vultr API calls or more: billing/invoices per page (500 a page), the items of each invoice of the page's month or the next (500 a page), pending charges for the current month`,
  };
};

export const SOURCE_TEMPLATES: readonly AccountTemplate[] = [
  {
    name: "focus",
    provider: "other",
    title: "FOCUS export files in a folder (or a Cloud Storage bucket: declared, not read yet); rows keep their own ProviderName",
    fields: [
      f("folder", false, "absolute path of the folder the export lands in, on the machine that runs the nightly (operators only); every .csv, .csv.gz and .parquet under it is read", "/srv/exports/acme-focus"),
      f("bucket", false, "a Cloud Storage bucket instead of a folder (not built: its pages fail with that reason)", "acme-billing-exports"),
      f("prefix", false, "object prefix inside the bucket", "focus/"),
      f("defaultCurrency", false, "currency of files without a BillingCurrency column (default USD)", "EUR"),
    ],
    credentials: { fields: [], required: false, note: "none: the folder is read with the platform's own access" },
    fixed: {},
    schema: FocusExportScopeSchema,
    plan: focusPlan,
    operatorOnly: (s) => (s.folder !== undefined ? "a folder is read on the machine that runs the platform, so only an operator connects one, with costmon account add" : null),
  },
  {
    name: "opencost",
    provider: "other",
    title: "Kubernetes cluster through its OpenCost API: allocation by namespace and workload, the cloud bill's Kubernetes part split over it",
    fields: [
      f("clusterId", true, "the cluster's id as OpenCost names it (its `cluster` property); the rows' billing account", "prod-eu-1"),
      f("currency", false, "the currency OpenCost prices in (its answer does not say; default USD)", "USD"),
      f("aggregate", false, "OpenCost aggregate (default namespace,controllerKind,controller); label:<k> adds a label", "namespace,controllerKind,controller"),
      f("billSplit", false, "cloudCost (default): split the cloud bill's Kubernetes part (/cloudCost) over the allocations; nodes: split the bill items of the cluster's own nodes, matched by resource id; none: keep OpenCost's prices", "cloudCost"),
    ],
    credentials: {
      fields: [
        f("url", true, "base URL of the cluster's OpenCost API (behind its ingress or auth proxy)", "https://opencost.prod-eu-1.example.com"),
        f("token", false, "bearer token", "…"),
        f("username", false, "basic-auth user, with password", "costmon"),
        f("password", false, "basic-auth password", "…"),
      ],
      required: true,
      note: "{url, token} (bearer) or {url, username, password} (basic)",
    },
    fixed: {},
    schema: OpenCostScopeSchema,
    plan: openCostPlan,
    // The platform calls this URL from its own network: a tenant choosing it could point the platform
    // at internal addresses (the metadata server, private services). Until egress is restricted to
    // an allow-list, only an operator connects a cluster.
    operatorOnly: () => "the platform calls the cluster's OpenCost URL from its own network, so only an operator connects one, with costmon account add",
  },
  {
    name: "vultr",
    provider: "other",
    title: "Vultr account: closed invoices' items reconciled to each invoice, and a daily snapshot of pending charges",
    fields: [],
    credentials: { fields: [f("apiKey", true, "a Vultr API key (Account > API) with billing read access", "…")], required: true, note: "{apiKey}" },
    fixed: {},
    schema: z.object({}),
    plan: vultrPlan,
  },
];
