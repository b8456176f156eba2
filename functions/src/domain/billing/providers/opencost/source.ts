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
   * cloud integration, so `cloudCost` fits a cluster that is alone in that integration.
   */
  billSplit: z.enum(["cloudCost", "none"]).default("cloudCost"),
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
  /** `GET /cloudCost?window=...&aggregate=provider&accumulate=day`: the bill as OpenCost reads it, per day. */
  cloudCost(window: string): Promise<{ body: unknown; calls: number }>;
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
    if (scope.billSplit === "cloudCost") {
      let bill: Awaited<ReturnType<typeof fetchKubernetesPartOfBill>>;
      try {
        bill = await fetchKubernetesPartOfBill(api, window);
      } catch (err) {
        throw new CollectionError(account, window, describeError(err), { cause: err, retryable: !(err instanceof AppError) || err.retryable });
      }
      calls += bill.calls;
      const byDay = new Map<string, string>();
      for (const p of bill.parts) byDay.set(p.day, add(byDay.get(p.day) ?? "0", p.kubernetesCost));
      records = splitBillOverAllocations(records, byDay).records;
    }
    const today = ingestedAt.slice(0, 10);
    const incompleteDays = window.start <= today && today <= window.end ? [today] : [];
    return { records, incompleteDays, calls };
  }
}

/**
 * The Kubernetes part of the cloud bill for a window, from the cluster's `/cloudCost`, for
 * splitBillOverAllocations. Throws an AppError (not retryable) on an answer of another shape.
 */
export async function fetchKubernetesPartOfBill(api: OpenCostApi, window: DayWindow): Promise<{ parts: KubernetesPartOfBill[]; calls: number }> {
  const { body, calls } = await api.cloudCost(allocationQuery(window, "provider").window);
  const parsed = CloudCostResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("failed-precondition", `unreadable /cloudCost answer at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "?"}`, { retryable: false });
  }
  return { parts: kubernetesPartOfBill(parsed.data), calls };
}
