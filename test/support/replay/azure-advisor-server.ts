import { type ReplayServer, sendJson, startReplayServer } from "./http-server.js";
import { selfSigned } from "./self-signed.js";

/**
 * Azure Advisor Recommendations_List over its wire format (api-version 2020-01-01):
 * `GET /subscriptions/{id}/providers/Microsoft.Advisor/recommendations?api-version&$filter&$top`
 * answering `{value: [ResourceRecommendationBase], nextLink}`, where nextLink is an absolute URL
 * with `$skiptoken`, as in the REST spec's example (azure-rest-api-specs,
 * specification/advisor/.../examples/2020-01-01/Recommendations_List.json). HTTPS with a
 * self-signed certificate, because the SDK's bearer policy refuses plain http.
 *
 * ../shared/data holds no Advisor answer, and the spec's examples are not cost recommendations, so
 * the cost records below are reconstructed: the envelope and properties from the spec's
 * ResourceRecommendationBase, the cost fields (`extendedProperties.savingsAmount` monthly,
 * `annualSavingsAmount`, `savingsCurrency`, `currentSku`/`targetSku`) from Microsoft's Advisor and
 * Resource Graph documentation. `NON_COST` is the spec example's own first record.
 *
 * `throttleFirst` answers the first N requests 429 with `retry-after-ms`, which the SDK honours.
 */
export const SUBSCRIPTION = "8f2b1c3d-0000-4000-8000-00000000a001";
const OTHER_SUBSCRIPTION = "8f2b1c3d-0000-4000-8000-00000000a002";

function rec(name: string, resourceId: string, properties: Record<string, unknown>) {
  return {
    name,
    type: "Microsoft.Advisor/recommendations",
    id: `${resourceId}/providers/Microsoft.Advisor/recommendations/${name}`,
    properties: { category: "Cost", impact: "High", lastUpdated: "2026-12-04T05:10:11.1234567Z", risk: "None", resourceMetadata: { resourceId, source: resourceId }, ...properties },
  };
}

const vm = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

export const ADVISOR_COST = [
  rec("1a2b3c4d-0000-4000-8000-000000000001", vm(SUBSCRIPTION, "rg-web", "vm-web-1"), {
    impactedField: "Microsoft.Compute/virtualMachines",
    impactedValue: "vm-web-1",
    recommendationTypeId: "e10b1381-5f0a-47ff-8c7b-37bd13d7c974",
    shortDescription: { problem: "Right-size or shutdown underutilized virtual machines", solution: "Right-size or shutdown underutilized virtual machines" },
    extendedProperties: { currentSku: "Standard_D8s_v3", targetSku: "Standard_D4s_v3", savingsAmount: "140.16", annualSavingsAmount: "1681.92", savingsCurrency: "USD", regionId: "eastus", subscriptionId: SUBSCRIPTION },
  }),
  rec("1a2b3c4d-0000-4000-8000-000000000002", vm(SUBSCRIPTION, "rg-batch", "vm-batch-2"), {
    impactedField: "Microsoft.Compute/virtualMachines",
    impactedValue: "vm-batch-2",
    recommendationTypeId: "e10b1381-5f0a-47ff-8c7b-37bd13d7c974",
    shortDescription: { problem: "Right-size or shutdown underutilized virtual machines", solution: "Shut down the virtual machine" },
    extendedProperties: { currentSku: "Standard_E4s_v3", targetSku: "Shutdown", savingsAmount: "183.96", savingsCurrency: "USD" },
  }),
  rec("1a2b3c4d-0000-4000-8000-000000000003", `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Compute/disks/disk-orphan`, {
    impactedField: "Microsoft.Compute/disks",
    impactedValue: "disk-orphan",
    recommendationTypeId: "48eda464-1485-4dcf-a674-d0905df5054a",
    shortDescription: { problem: "Unattached managed disk", solution: "Delete the unattached disk" },
    extendedProperties: { savingsAmount: "19.71", savingsCurrency: "USD" },
  }),
  rec("1a2b3c4d-0000-4000-8000-000000000004", `/subscriptions/${SUBSCRIPTION}`, {
    impactedField: "Microsoft.Subscriptions/subscriptions",
    impactedValue: SUBSCRIPTION,
    recommendationTypeId: "84b1a508-fc21-49da-979e-96894f1665df",
    shortDescription: { problem: "Consider virtual machine reserved instance to save over your on-demand costs", solution: "Buy a reserved instance" },
    extendedProperties: { reservedResourceType: "VirtualMachines", term: "P1Y", lookbackPeriod: "30", displaySKU: "Standard_D2s_v3", annualSavingsAmount: "1000", savingsCurrency: "USD" },
  }),
  rec("1a2b3c4d-0000-4000-8000-000000000005", vm(OTHER_SUBSCRIPTION, "rg-x", "vm-elsewhere"), {
    impactedField: "Microsoft.Compute/virtualMachines",
    impactedValue: "vm-elsewhere",
    shortDescription: { problem: "Right-size", solution: "Right-size" },
    extendedProperties: { currentSku: "Standard_D4s_v3", targetSku: "Standard_D2s_v3", savingsAmount: "70.08", savingsCurrency: "USD" },
  }),
];

/** The first record of the spec's Recommendations_List example, verbatim in shape: not a cost recommendation. */
export const NON_COST = {
  name: "recGUID1",
  type: "Microsoft.Advisor/recommendations",
  id: "/resourceUri/providers/Microsoft.Advisor/recommendations/recGUID1",
  properties: {
    category: "HighAvailability",
    impact: "Medium",
    impactedField: "Microsoft.Compute/availabilitySets",
    impactedValue: "armavset",
    lastUpdated: "2017-02-24T22:24:43.3216408Z",
    risk: "Warning",
    shortDescription: { problem: "This availability set is not configured for fault tolerance", solution: "To ensure high availability add one or more virtual machines to this availability set" },
  },
};

export interface AzureAdvisorServer extends ReplayServer {
  ca: string;
  /** Query strings of the pages answered. */
  pages: URLSearchParams[];
}

export async function startAzureAdvisorServer(
  opts: { maxPage?: number; throttleFirst?: number; records?: unknown[]; foreignNextLink?: boolean } = {},
): Promise<AzureAdvisorServer> {
  const tls = await selfSigned();
  const records = (opts.records ?? [...ADVISOR_COST, NON_COST]) as { properties: { category: string } }[];
  const pages: URLSearchParams[] = [];
  let throttle = opts.throttleFirst ?? 0;
  let base = "";
  const server = await startReplayServer((req, res) => {
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ""))) {
      return sendJson(res, 401, { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
    }
    const url = new URL(req.url, "https://local");
    const m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Advisor\/recommendations$/.exec(url.pathname);
    if (req.method !== "GET" || !m) return sendJson(res, 404, { error: { code: "NotFound", message: `no route ${req.method} ${url.pathname}` } });
    if (url.searchParams.get("api-version") !== "2020-01-01") return sendJson(res, 400, { error: { code: "InvalidApiVersionParameter", message: "unsupported api-version" } });
    if (throttle > 0) {
      throttle--;
      return sendJson(res, 429, { error: { code: "TooManyRequests", message: "Too many requests. Please retry." } }, { "retry-after-ms": "5" });
    }
    const filter = url.searchParams.get("$filter");
    // The two filters the spec documents that the client uses: Category, and ResourceGroup joined with `and`.
    const f = /^Category eq 'Cost'(?: and ResourceGroup eq '([^']+)')?$/.exec(filter ?? "");
    if (filter && !f) return sendJson(res, 400, { error: { code: "InvalidFilter", message: `unsupported $filter ${filter}` } });
    const group = f?.[1]?.toLowerCase();
    const matching = records.filter(
      (r) => !f || (r.properties.category === "Cost" && (!group || JSON.stringify(r).toLowerCase().includes(`/resourcegroups/${group}/`))),
    );
    const size = Math.min(Number(url.searchParams.get("$top") ?? "10") || 10, opts.maxPage ?? 10);
    const start = Number(url.searchParams.get("$skiptoken") ?? "0");
    pages.push(url.searchParams);
    const nextQuery = new URLSearchParams({ "api-version": "2020-01-01", ...(filter ? { $filter: filter } : {}), $top: String(size), $skiptoken: String(start + size) });
    const origin = opts.foreignNextLink ? "https://management.example.invalid" : base;
    const nextLink = start + size < matching.length ? `${origin}/subscriptions/${m[1]}/providers/Microsoft.Advisor/recommendations?${nextQuery}` : undefined;
    return sendJson(res, 200, { value: matching.slice(start, start + size), ...(nextLink ? { nextLink } : {}) });
  }, tls);
  base = server.url;
  return Object.assign(server, { ca: tls.cert, pages });
}
