import Big from "big.js";
import { z } from "zod";
import { addDays, daysInWindow } from "#kernel/days.js";
import type { TruthRow } from "./billing-dataset.js";
import { type FaultPlan, noFaults } from "./faults.js";
import { answerFault, type ReplayServer, sendJson, startReplayServer } from "./http-server.js";

/**
 * Cost Explorer over its real protocol (awsJson1_1, ce-2017-10-25 model): `POST /` with
 * `x-amz-target: AWSInsightsIndexService.<Operation>`, JSON in and out, errors as
 * `{"__type": ..., "Message": ...}` with `x-amzn-errortype`. Pages by days, like the service.
 * GroupBy (DIMENSION SERVICE, LINKED_ACCOUNT, RECORD_TYPE, or TAG) and the Tags filter follow the
 * API reference; TAG group keys are `key$value` (`key$` without the tag), as in the recorded
 * aws-cli example in ../shared/data/aws-cost-explorer.
 */
export interface AwsReplayOptions {
  rows: TruthRow[];
  faults?: FaultPlan;
  daysPerPage?: number;
  /** Days on or after this are answered with `Estimated: true`. */
  estimatedFrom?: string;
  hangMs?: number;
  /** Days left out of the answer: a partial response that still looks well-formed. */
  dropDays?: string[];
}

export interface AwsReplayServer extends ReplayServer {
  setRows(rows: TruthRow[]): void;
  /** Provider calls answered or faulted, in order. */
  calls: { target: string; fault: string | null }[];
}

type Expr = {
  And?: Expr[];
  Or?: Expr[];
  Not?: Expr;
  Dimensions?: { Key?: string; Values?: string[] };
  Tags?: { Key?: string; Values?: string[]; MatchOptions?: string[] };
};

const Body = z.object({
  TimePeriod: z.object({ Start: z.string(), End: z.string() }),
  Metrics: z.array(z.string()).optional(),
  Metric: z.string().optional(),
  Filter: z.unknown().optional(),
  GroupBy: z.array(z.object({ Type: z.string(), Key: z.string() })).max(2).optional(),
  NextPageToken: z.string().optional(),
});

function dimension(row: TruthRow, key: string): string {
  if (key === "LINKED_ACCOUNT") return row.account;
  if (key === "SERVICE") return row.service;
  if (key === "RECORD_TYPE") return row.category === "Credit" ? "Credit" : "Usage";
  // Costs without a region group under NoRegion, as Cost Explorer reports them.
  if (key === "REGION") return row.region || "NoRegion";
  if (key === "USAGE_TYPE") return row.usageType ?? "";
  return "";
}

function matches(expr: Expr | undefined, row: TruthRow): boolean {
  if (!expr) return true;
  if (expr.And) return expr.And.every((e) => matches(e, row));
  if (expr.Or) return expr.Or.some((e) => matches(e, row));
  if (expr.Not) return !matches(expr.Not, row);
  if (expr.Dimensions?.Key) return (expr.Dimensions.Values ?? []).includes(dimension(row, expr.Dimensions.Key));
  if (expr.Tags?.Key) {
    const value = row.tags?.[expr.Tags.Key];
    if (expr.Tags.MatchOptions?.includes("ABSENT")) return value === undefined;
    return value !== undefined && (expr.Tags.Values ?? []).includes(value);
  }
  return true;
}

function awsError(type: string, message: string) {
  return { __type: `com.amazonaws.awsinsightsindexservice#${type}`, Message: message };
}

export async function startAwsCostExplorerReplay(opts: AwsReplayOptions): Promise<AwsReplayServer> {
  let rows = opts.rows;
  const faults = opts.faults ?? noFaults;
  const daysPerPage = opts.daysPerPage ?? 7;
  const calls: AwsReplayServer["calls"] = [];
  let index = 0;

  const server = await startReplayServer((req, res) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const fault = faults(index++);
    calls.push({ target, fault });
    const answered = answerFault(res, fault, {
      throttle: (r) =>
        sendJson(r, 400, awsError("LimitExceededException", "Rate exceeded"), { "x-amzn-errortype": "LimitExceededException" }),
      serverError: (r) =>
        sendJson(r, 503, awsError("ServiceUnavailableException", "Service Unavailable"), {
          "x-amzn-errortype": "ServiceUnavailableException",
        }),
      malformed: { contentType: "application/x-amz-json-1.1", body: '{"ResultsByTime":[{"TimePeriod":{"Start":"20' },
      hangMs: opts.hangMs ?? 1_000,
    });
    if (answered) return;
    const parsed = Body.safeParse(JSON.parse(req.body || "{}"));
    if (!parsed.success) {
      return sendJson(res, 400, awsError("ValidationException", parsed.error.message), {
        "x-amzn-errortype": "ValidationException",
      });
    }
    const body = parsed.data;
    const days = daysInWindow({ start: body.TimePeriod.Start, end: addDays(body.TimePeriod.End, -1) });
    const filter = body.Filter as Expr | undefined;

    if (target.endsWith(".GetCostForecast")) {
      const points = days.map((d) => ({ TimePeriod: { Start: d, End: addDays(d, 1) }, MeanValue: "10.5", PredictionIntervalLowerBound: "8.25", PredictionIntervalUpperBound: "12.75" }));
      return sendJson(res, 200, {
        Total: { Amount: new Big("10.5").times(days.length).toFixed(), Unit: "USD" },
        ForecastResultsByTime: points,
      });
    }
    if (!target.endsWith(".GetCostAndUsage")) {
      return sendJson(res, 400, awsError("UnknownOperationException", target), { "x-amzn-errortype": "UnknownOperationException" });
    }

    let offset = 0;
    if (body.NextPageToken) {
      const decoded = z.object({ offset: z.number().int() }).safeParse(JSON.parse(Buffer.from(body.NextPageToken, "base64").toString("utf8")));
      if (!decoded.success) return sendJson(res, 400, awsError("InvalidNextTokenException", "bad token"), { "x-amzn-errortype": "InvalidNextTokenException" });
      offset = decoded.data.offset;
    }
    const pageDays = days.slice(offset, offset + daysPerPage).filter((d) => !opts.dropDays?.includes(d));
    const metrics = body.Metrics ?? [];
    const groupBy = body.GroupBy ?? [
      { Type: "DIMENSION", Key: "SERVICE" },
      { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
    ];
    // A TAG group key is "key$value", "key$" for costs without the tag (API reference, Group.Keys).
    const keyOf = (r: TruthRow, g: { Type: string; Key: string }) => (g.Type === "TAG" ? `${g.Key}$${r.tags?.[g.Key] ?? ""}` : dimension(r, g.Key));
    const results = pageDays.map((date) => {
      const groups = new Map<string, { Keys: string[]; cost: Big; effective: Big; unit: string }>();
      for (const r of rows) {
        if (r.date !== date || !matches(filter, r)) continue;
        const keys = groupBy.map((g) => keyOf(r, g));
        const k = keys.join("\u001f");
        const g = groups.get(k) ?? { Keys: keys, cost: new Big(0), effective: new Big(0), unit: r.currency };
        g.cost = g.cost.plus(r.cost);
        g.effective = g.effective.plus(r.effective);
        groups.set(k, g);
      }
      return {
        TimePeriod: { Start: date, End: addDays(date, 1) },
        Total: {},
        Groups: [...groups.values()].map((g) => ({
          Keys: g.Keys,
          Metrics: Object.fromEntries(
            metrics.map((m) => [m, { Amount: (m === "UnblendedCost" ? g.cost : g.effective).toFixed(), Unit: g.unit }]),
          ),
        })),
        Estimated: opts.estimatedFrom !== undefined && date >= opts.estimatedFrom,
      };
    });
    const next = offset + daysPerPage < days.length ? Buffer.from(JSON.stringify({ offset: offset + daysPerPage })).toString("base64") : undefined;
    return sendJson(
      res,
      200,
      {
        GroupDefinitions: groupBy,
        ResultsByTime: results,
        DimensionValueAttributes: [],
        ...(next ? { NextPageToken: next } : {}),
      },
      { "content-type": "application/x-amz-json-1.1" },
    );
  });
  return Object.assign(server, {
    setRows(next: TruthRow[]) {
      rows = next;
    },
    calls,
  });
}
