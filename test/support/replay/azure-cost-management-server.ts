import Big from "big.js";
import { z } from "zod";
import { daysInWindow } from "#kernel/days.js";
import type { TruthRow } from "./billing-dataset.js";
import { type FaultPlan, noFaults } from "./faults.js";
import { answerFault, type ReplayServer, sendJson, startReplayServer } from "./http-server.js";
import { selfSigned } from "./self-signed.js";

/**
 * Cost Management Query_Usage over its real wire format (api-version 2025-03-01, examples in
 * ../shared/data/azure-cost-management-2025-03-01): `POST {scope}/providers/Microsoft.CostManagement/query`,
 * a columnar `properties.{columns,rows,nextLink}` body with UsageDate as yyyymmdd numbers, and
 * 429s that carry only the `x-ms-ratelimit-microsoft.costmanagement-*-retry-after` headers.
 * HTTPS with a self-signed certificate, because the SDK's bearer policy refuses plain http.
 */
export interface AzureReplayOptions {
  rows: TruthRow[];
  faults?: FaultPlan;
  rowsPerPage?: number;
  /** Seconds in the rate-limit headers of a throttled answer. */
  retryAfterSeconds?: number;
  hangMs?: number;
}

export interface AzureReplayServer extends ReplayServer {
  /** PEM to trust in the client. */
  ca: string;
  setRows(rows: TruthRow[]): void;
  calls: { path: string; fault: string | null; clientType: string | undefined }[];
  /** nextLink requests whose body differed from the first page's. */
  bodyMismatches: number;
}

const Body = z.object({
  type: z.string(),
  timeframe: z.string(),
  timePeriod: z.object({ from: z.string(), to: z.string() }),
  dataset: z.object({
    granularity: z.literal("Daily"),
    grouping: z.array(z.object({ type: z.string(), name: z.string() })).max(2),
    filter: z.unknown().optional(),
  }),
});

/** QueryFilter: and / or (two or more), dimensions, tags; operator In. */
type Filter = {
  and?: Filter[];
  or?: Filter[];
  dimensions?: { name: string; operator: string; values: string[] };
  tags?: { name: string; operator: string; values: string[] };
};
const FilterSchema: z.ZodType<Filter> = z.lazy(() =>
  z
    .object({
      and: z.array(FilterSchema).min(2).optional(),
      or: z.array(FilterSchema).min(2).optional(),
      dimensions: z.object({ name: z.string(), operator: z.literal("In"), values: z.array(z.string()) }).optional(),
      tags: z.object({ name: z.string(), operator: z.literal("In"), values: z.array(z.string()) }).optional(),
    })
    .strict(),
);

/** Azure tag names are case-insensitive. */
function tagOf(row: TruthRow, name: string): string | undefined {
  const key = Object.keys(row.tags ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : row.tags?.[key];
}

/** A row's value of a Cost Management dimension. */
function dimensionOf(row: TruthRow, name: string): string {
  switch (name.toLowerCase()) {
    case "subscriptionid":
      return row.account;
    case "servicename":
      return row.service;
    case "resourcelocation":
      return row.region;
    case "resourcegroup":
    case "resourcegroupname":
      return row.resourceGroup;
    case "metercategory":
      return row.meterCategory ?? row.service;
    default:
      return "";
  }
}

function passes(f: Filter | undefined, row: TruthRow): boolean {
  if (!f) return true;
  if (f.and) return f.and.every((e) => passes(e, row));
  if (f.or) return f.or.some((e) => passes(e, row));
  if (f.dimensions) return f.dimensions.values.includes(dimensionOf(row, f.dimensions.name));
  if (f.tags) {
    const v = tagOf(row, f.tags.name);
    return v !== undefined && f.tags.values.includes(v);
  }
  return true;
}

const THROTTLE_HEADERS = ["qpu", "entity", "tenant", "client"];

export async function startAzureCostManagementReplay(opts: AzureReplayOptions): Promise<AzureReplayServer> {
  const tls = await selfSigned();
  let rows = opts.rows;
  const faults = opts.faults ?? noFaults;
  const rowsPerPage = opts.rowsPerPage ?? 50;
  const calls: AzureReplayServer["calls"] = [];
  const firstBodies = new Map<string, string>();
  let index = 0;
  let throttles = 0;
  const state = { bodyMismatches: 0 };
  let base = "";

  const server = await startReplayServer((req, res) => {
    // Collapse leading slashes: "//subscriptions/..." must not parse as a host name.
    const url = new URL(req.url.replace(/^\/+/, "/"), base);
    const fault = faults(index++);
    calls.push({ path: url.pathname, fault, clientType: req.headers.clienttype as string | undefined });
    const answered = answerFault(res, fault, {
      throttle: (r) => {
        const which = THROTTLE_HEADERS[throttles++ % THROTTLE_HEADERS.length];
        sendJson(
          r,
          429,
          { error: { code: "429", message: "Too many requests. Please retry." } },
          { [`x-ms-ratelimit-microsoft.costmanagement-${which}-retry-after`]: String(opts.retryAfterSeconds ?? 0) },
        );
      },
      serverError: (r) => sendJson(r, 503, { error: { code: "ServiceUnavailable", message: "Service unavailable" } }),
      malformed: { contentType: "application/json", body: '{"properties":{"columns":[{"name":"Cost","type":"Num' },
      hangMs: opts.hangMs ?? 1_000,
    });
    if (answered) return;
    if (url.searchParams.get("api-version") !== "2025-03-01") {
      return sendJson(res, 400, { error: { code: "BadRequest", message: "api-version 2025-03-01 expected" } });
    }
    const parsed = Body.safeParse(JSON.parse(req.body || "{}"));
    if (!parsed.success) return sendJson(res, 400, { error: { code: "BadRequest", message: parsed.error.message } });
    const body = parsed.data;
    const skip = url.searchParams.get("$skiptoken");
    const bodyKey = url.pathname;
    if (skip === null) firstBodies.set(bodyKey, req.body);
    else if (firstBodies.get(bodyKey) !== req.body) state.bodyMismatches += 1;

    const path = url.pathname.replace(/\/providers\/Microsoft\.CostManagement\/query$/i, "");
    const sub = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    const rg = /\/resourceGroups\/([^/]+)/i.exec(path)?.[1];
    const filter = FilterSchema.safeParse(body.dataset.filter ?? {});
    if (!filter.success) return sendJson(res, 400, { error: { code: "BadRequest", message: filter.error.message } });
    // A TagKey grouping answers TagKey and TagValue columns, both empty for untagged cost. No
    // recorded example groups by a tag: this shape follows the QueryGrouping reference.
    const grouping = body.dataset.grouping;
    const groupColumns = grouping.flatMap((g) => (g.type === "TagKey" ? ["TagKey", "TagValue"] : [g.name]));
    const groupValues = (r: TruthRow) =>
      grouping.flatMap((g) => {
        if (g.type !== "TagKey") return [dimensionOf(r, g.name)];
        const value = tagOf(r, g.name);
        return value === undefined ? ["", ""] : [g.name.toLowerCase(), value];
      });
    const days = new Set(daysInWindow({ start: body.timePeriod.from.slice(0, 10), end: body.timePeriod.to.slice(0, 10) }));
    const groups = new Map<string, { cost: Big; date: string; values: string[]; currency: string }>();
    for (const r of rows) {
      if (!days.has(r.date)) continue;
      if (sub !== undefined && r.account.toLowerCase() !== sub.toLowerCase()) continue;
      if (rg !== undefined && r.resourceGroup.toLowerCase() !== decodeURIComponent(rg).toLowerCase()) continue;
      if (!passes(filter.data, r)) continue;
      const values = groupValues(r);
      const k = [r.date, ...values].join("\u001f");
      const g = groups.get(k) ?? { cost: new Big(0), date: r.date, values, currency: r.currency };
      g.cost = g.cost.plus(body.type === "AmortizedCost" ? r.effective : r.cost);
      groups.set(k, g);
    }
    const all = [...groups.values()].map((g) => [Number(g.cost.toFixed()), Number(g.date.replaceAll("-", "")), ...g.values, g.currency]);
    const offset = skip === null ? 0 : Number(Buffer.from(skip, "base64").toString("utf8"));
    const page = all.slice(offset, offset + rowsPerPage);
    const nextOffset = offset + rowsPerPage;
    const nextLink =
      nextOffset < all.length
        ? `${base}${url.pathname}?api-version=2025-03-01&$skiptoken=${encodeURIComponent(Buffer.from(String(nextOffset)).toString("base64"))}`
        : null;
    return sendJson(res, 200, {
      id: `${path}/providers/Microsoft.CostManagement/query/00000000-0000-0000-0000-000000000000`,
      name: "00000000-0000-0000-0000-000000000000",
      type: "Microsoft.CostManagement/query",
      properties: {
        nextLink,
        columns: [
          { name: "Cost", type: "Number" },
          { name: "UsageDate", type: "Number" },
          ...groupColumns.map((name) => ({ name, type: "String" })),
          { name: "Currency", type: "String" },
        ],
        rows: page,
      },
    });
  }, tls);
  base = server.url;
  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    ca: tls.cert,
    setRows(next: TruthRow[]) {
      rows = next;
    },
    calls,
    get bodyMismatches() {
      return state.bodyMismatches;
    },
  };
}
