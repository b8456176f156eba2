import { z } from "zod";
import { addDays, type DayWindow } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import { type Clock, systemClock } from "#kernel/ports.js";
import type { BillingSource, CloudAccountRef, CollectRequest, CollectResult } from "../../ports.js";
import { accountScope, clientForAccount, CollectionError, describeError } from "../collection-error.js";
import { mapAllocations } from "./allocation-records.js";
import { AllocationResponseSchema } from "./allocation-response.js";
import { add } from "../../money.js";
import { splitBillOverAllocations } from "./two-views.js";
import { CloudCostResponseSchema, type KubernetesPartOfBill, kubernetesPartOfBill } from "./cloud-cost.js";
import { nodeBill, nodeKeysByDay } from "./node-match.js";

/** `CloudAccountRef.scope` of a cluster: its id, the currency OpenCost prices in, and what to aggregate by. */
export const OpenCostScopeSchema = z.object({
  clusterId: z.string().min(1).max(128),
  currency: z.string().regex(/^[A-Z]{3}$/).default("USD"),
  /** OpenCost `aggregate`: the dimensions the ledger keeps (labels common to a group come along in properties). */
  aggregate: z
    .string()
    .regex(/^[A-Za-z:_,.\-/0-9]{1,256}$/)
    .default("namespace,controllerKind,controller"),
  /**
   * `cloudCost` (default): split the bill's Kubernetes part (from `/cloudCost`) over the
   * allocations instead of OpenCost's own prices; `none`: keep OpenCost's prices (a cluster whose
   * nodes are in no connected cloud bill). kubernetesPercent covers every cluster in OpenCost's
   * cloud integration, so `cloudCost` fits a cluster that is alone in that integration; `nodes`
   * splits the bill items of the cluster's own nodes instead, matched by resource id (node-match.ts).
   */
  billSplit: z.enum(["cloudCost", "nodes", "none"]).default("cloudCost"),
});
export type OpenCostScope = z.infer<typeof OpenCostScopeSchema>;

/** The `/allocation` query the source sends: daily steps, idle included, never shared by OpenCost. */
export interface AllocationQuery {
  /** RFC 3339 pair, `start,end`, end exclusive. */
  window: string;
  aggregate: string;
  step: "1d";
  includeIdle: true;
  shareIdle: false;
}

/** The cluster's OpenCost API as the source needs it: the parsed JSON body, and how many HTTP calls it took. */
export interface OpenCostApi {
  allocation(query: AllocationQuery): Promise<{ body: unknown; calls: number }>;
  /**
   * `GET /cloudCost?window=...&aggregate=<aggregate>&accumulate=day`: the bill as OpenCost reads
   * it, per day, by provider (the default) or by billed resource (`providerID`).
   */
  cloudCost(window: string, aggregate?: "provider" | "providerID"): Promise<{ body: unknown; calls: number }>;
}

export interface OpenCostSourceOptions {
  /** Builds (or returns a cached) client for one cluster (its URL and token come from the account's secret). */
  clientFor(account: CloudAccountRef): Promise<OpenCostApi>;
  clock?: Clock;
}

/** The query for a ledger window: whole UTC days, so each step is one ledger day. */
export function allocationQuery(window: DayWindow, aggregate: string): AllocationQuery {
  return { window: `${window.start}T00:00:00Z,${addDays(window.end, 1)}T00:00:00Z`, aggregate, step: "1d", includeIdle: true, shareIdle: false };
}

/**
 * Kubernetes cost from a cluster's OpenCost: one `/allocation` call per window, mapped by
 * mapAllocations (idle shared by our own rule), then, unless the scope says `billSplit: none`,
 * priced by the bill: the Kubernetes part of the cloud bill (`/cloudCost`) is split over the
 * allocations (splitBillOverAllocations), days without one keep OpenCost's prices. Today's day is reported incomplete, since
 * OpenCost keeps adding to it. Rows are provider "other" with `costmon:view=kubernetes-allocation`.
 */
export class OpenCostAllocationSource implements BillingSource {
  readonly provider = "other" as const;

  constructor(private readonly opts: OpenCostSourceOptions) {}

  async collect(req: CollectRequest): Promise<CollectResult> {
    const { account, window } = req;
    const scope = accountScope(OpenCostScopeSchema, account, window, "OpenCost");
    const api = await clientForAccount(this.opts.clientFor, account, window, "OpenCost");
    let answer: { body: unknown; calls: number };
    try {
      answer = await api.allocation(allocationQuery(window, scope.aggregate));
    } catch (err) {
      throw new CollectionError(account, window, describeError(err), { cause: err, retryable: !(err instanceof AppError) || err.retryable });
    }
    const parsed = AllocationResponseSchema.safeParse(answer.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CollectionError(account, window, `unreadable /allocation answer at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "?"}`, { retryable: false });
    }
    if (parsed.data.code !== 200) {
      throw new CollectionError(account, window, `OpenCost answered code ${parsed.data.code}: ${(parsed.data.message ?? "").slice(0, 200)}`, { retryable: parsed.data.code >= 500 });
    }
    const ingestedAt = (this.opts.clock ?? systemClock).now().toISOString();
    const mapped = mapAllocations(parsed.data, { tenantId: account.tenantId, ingestedAt, source: "opencost" }, scope);
    let records = mapped.records.filter((r) => r.charge_period_start >= window.start && r.charge_period_start <= window.end);
    let calls = answer.calls;
    if (scope.billSplit !== "none") {
      let bill: { byDay: Map<string, string>; calls: number };
      try {
        bill = scope.billSplit === "nodes" ? await fetchNodeBill(api, window) : await fetchKubernetesPartOfBill(api, window).then(({ parts, calls: n }) => {
          const byDay = new Map<string, string>();
          for (const p of parts) byDay.set(p.day, add(byDay.get(p.day) ?? "0", p.kubernetesCost));
          return { byDay, calls: n };
        });
      } catch (err) {
        throw new CollectionError(account, window, describeError(err), { cause: err, retryable: !(err instanceof AppError) || err.retryable });
      }
      calls += bill.calls;
      records = splitBillOverAllocations(records, bill.byDay).records;
    }
    const today = ingestedAt.slice(0, 10);
    const incompleteDays = window.start <= today && today <= window.end ? [today] : [];
    return { records, incompleteDays, calls };
  }
}

/** The answer of a call, checked against its schema; an AppError (not retryable) names where it is unreadable. */
function parseAnswer<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError("failed-precondition", `unreadable ${what} answer at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "?"}`, { retryable: false });
}

/**
 * The cluster's own nodes' part of the cloud bill for a window (`billSplit: nodes`): the nodes from
 * `/allocation?aggregate=node`, the billed resources from `/cloudCost?aggregate=providerID`,
 * matched by resource id (nodeBill). Throws an AppError (not retryable) on an answer of another shape.
 */
export async function fetchNodeBill(api: OpenCostApi, window: DayWindow): Promise<{ byDay: Map<string, string>; unmatched: Map<string, string[]>; calls: number }> {
  const nodes = await api.allocation(allocationQuery(window, "node"));
  const nodeAnswer = parseAnswer(AllocationResponseSchema, nodes.body, "/allocation?aggregate=node");
  if (nodeAnswer.code !== 200) throw new AppError("failed-precondition", `OpenCost answered code ${nodeAnswer.code} for the nodes`, { retryable: nodeAnswer.code >= 500 });
  const costs = await api.cloudCost(allocationQuery(window, "providerID").window, "providerID");
  const bill = nodeBill(parseAnswer(CloudCostResponseSchema, costs.body, "/cloudCost?aggregate=providerID"), nodeKeysByDay(nodeAnswer));
  return { ...bill, calls: nodes.calls + costs.calls };
}

/**
 * The Kubernetes part of the cloud bill for a window, from the cluster's `/cloudCost`, for
 * splitBillOverAllocations. Throws an AppError (not retryable) on an answer of another shape.
 */
export async function fetchKubernetesPartOfBill(api: OpenCostApi, window: DayWindow): Promise<{ parts: KubernetesPartOfBill[]; calls: number }> {
  const { body, calls } = await api.cloudCost(allocationQuery(window, "provider").window);
  return { parts: kubernetesPartOfBill(parseAnswer(CloudCostResponseSchema, body, "/cloudCost")), calls };
}
