import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, type ResourceLink } from "@modelcontextprotocol/sdk/types.js";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { CostSummaryInput, getCostSummary } from "#domain/api/cost-summary.js";
import { IsoDate } from "#kernel/days.js";
import type { McpGate, ToolScope } from "./gate.js";
import { fixIt, text } from "./result.js";
import type { McpDeps } from "./tool.js";

/**
 * The whole of a `get_costs` table as one CSV, for what does not fit a tool answer: `get_costs`
 * links it with a `resource_link` (MCP 2025-06-18, "Resource Links"), and `resources/read` of
 * the link computes it from the stored ledger, through the same gate as the tools (caller,
 * authorization of `getCostSummary`, per-tenant rate limit, audit). The URI names no tenant: the
 * tenant is the reader's, so a link handed to another tenant's client reads that tenant's costs.
 */
export const COSTS_EXPORT_TEMPLATE = "costmon://exports/costs/{granularity}/{start}/{end}/{group_by}";

/** The `group_by` segment of a table with no dimension (its total per period and currency). */
const NO_GROUPS = "total";

/** Rows one export may hold; a longer table asks for a shorter range or fewer dimensions. */
export const MAX_EXPORT_ROWS = 100_000;

const DIMENSION = z.enum(["provider", "account", "service", "region"]);
const ExportQuery = z.strictObject({
  start: IsoDate,
  end: IsoDate,
  group_by: z
    .string()
    .max(64)
    .transform((s) => (s === NO_GROUPS ? [] : s.split(",")))
    .pipe(z.array(DIMENSION).max(4)),
  granularity: z.enum(["daily", "monthly"]),
});
type ExportArgs = { start: string; end: string; group_by: readonly string[]; granularity: string };

/** The link `get_costs` returns beside a table: its arguments, without paging, as a readable URI. */
export function costsExportLink(a: ExportArgs): ResourceLink {
  const groups = a.group_by.length ? a.group_by.join(",") : NO_GROUPS;
  return {
    type: "resource_link",
    uri: `costmon://exports/costs/${a.granularity}/${a.start}/${a.end}/${groups}`,
    name: `costs ${a.start} to ${a.end}.csv`,
    mimeType: "text/csv",
    description: "Every row of this table as CSV (period, dimensions, currency, billed_cost, effective_cost); read it with resources/read.",
  };
}

/** The CSV of one export: a header, then one line per row, amounts as exact decimal strings. */
export async function costsExportCsv(deps: McpDeps, tenantId: string, uri: URL): Promise<string> {
  // costmon://exports/costs/<granularity>/<start>/<end>/<group_by>: host "exports", then the path.
  const parts = uri.pathname.split("/").filter(Boolean);
  const [kind, granularity, start, end, groupBy, ...extra] = parts;
  const raw = kind === "costs" && extra.length === 0 && uri.search === "" ? { granularity, start, end, group_by: groupBy ? decodeURIComponent(groupBy) : undefined } : { path: uri.pathname };
  const q = ExportQuery.safeParse(raw);
  if (!q.success) throw new McpError(ErrorCode.InvalidParams, `invalid export link: ${q.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ")}`);
  const parsed = CostSummaryInput.safeParse({ start: q.data.start, end: q.data.end, groupBy: q.data.group_by, granularity: q.data.granularity });
  if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `invalid export link: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const summary = await getCostSummary(deps.warehouse, tenantId, parsed.data);
  if (summary.rows.length > MAX_EXPORT_ROWS) {
    throw new McpError(ErrorCode.InvalidParams, `the export holds ${summary.rows.length} rows, more than ${MAX_EXPORT_ROWS}: use a shorter range, monthly granularity or fewer dimensions`);
  }
  const dims = q.data.group_by;
  return stringify([
    ["period", ...dims, "currency", "billed_cost", "effective_cost"],
    ...summary.rows.map((r) => [r.period, ...dims.map((d) => r.dims[d as keyof typeof r.dims] ?? ""), r.currency, r.billedCost, r.effectiveCost]),
  ]);
}

/** Registers the export as a resource template whose reads pass `gate` like a tool call of `scope`. */
export function registerCostsExport(server: McpServer, deps: McpDeps, gate: McpGate, scope: ToolScope): void {
  server.registerResource(
    "costs-export",
    new ResourceTemplate(COSTS_EXPORT_TEMPLATE, { list: undefined }),
    { title: "Costs as CSV", description: "The full table get_costs pages through, as CSV; get_costs links it", mimeType: "text/csv" },
    async (uri, _vars, extra) => {
      let csv: string | undefined;
      let invalid: McpError | undefined;
      const answer = await gate({ tool: "resource:costs-export", scope, args: { uri: uri.href.slice(0, 512) }, authInfo: extra.authInfo }, async (tenantId) => {
        try {
          csv = await costsExportCsv(deps, tenantId, uri);
        } catch (err) {
          if (!(err instanceof McpError)) throw err;
          invalid = err;
          return fixIt(err.message);
        }
        return text({ rows: csv.split("\n").length - 2, bytes: Buffer.byteLength(csv) });
      });
      if (invalid) throw invalid;
      if (answer.isError || csv === undefined) {
        const first = answer.content[0];
        throw new McpError(ErrorCode.InvalidRequest, first?.type === "text" ? first.text : "the export could not be read");
      }
      return { contents: [{ uri: uri.href, mimeType: "text/csv", text: csv }] };
    },
  );
}
