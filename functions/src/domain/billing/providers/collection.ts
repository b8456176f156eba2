import { ExponentialBackoff, handleWhen, retry } from "cockatiel";
import { z } from "zod";
import { type CostAmounts, type CostIdentity, type CostRecord, recordKey } from "../cost-record.js";
import { add } from "../money.js";
import { intersectTags } from "../normalize/tags.js";
import { addDays, nextUtcDay } from "../normalize/utc-day.js";
import type { CloudAccountRef, DayWindow } from "../ports.js";

/**
 * Shared pieces of the GCP, AWS and Azure collectors: the typed failure, window arithmetic and
 * the record builder that merges rows sharing a record_key (a batch must never hold two rows
 * with one key, or an upsert would silently keep only one of them).
 */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

export const DayWindowSchema = z
  .object({ start: day, end: day })
  .strict()
  .refine((w) => w.start <= w.end, "window start must not be after its end");

/** Lineage passed to the pure mappers (the `import` CLI calls them with this). */
export interface MapContext {
  tenantId: string;
  ingestedAt: string;
  source?: string;
}

export const MapContextSchema = z.object({
  tenantId: z.string().min(1),
  ingestedAt: z.string().min(1),
  source: z.string().min(1).optional(),
});

/**
 * A collection that could not finish: the retry budget is spent or the provider answered with
 * something we cannot read. Never returned with partial data: the caller gets this or everything.
 */
export class CollectionError extends Error {
  override readonly name = "CollectionError";
  readonly tenantId: string;
  readonly accountId: string;
  readonly provider: string;
  readonly window: DayWindow;
  /** True when a later attempt may succeed (throttling, 5xx, timeouts). */
  readonly retryable: boolean;

  constructor(
    account: Pick<CloudAccountRef, "tenantId" | "accountId" | "provider">,
    window: DayWindow,
    reason: string,
    opts: { cause?: unknown; retryable: boolean },
  ) {
    super(
      `${account.provider} collection failed for tenant ${account.tenantId}, account ${account.accountId}, window ${window.start}..${window.end}: ${reason}`,
      { cause: opts.cause },
    );
    this.tenantId = account.tenantId;
    this.accountId = account.accountId;
    this.provider = account.provider;
    this.window = { ...window };
    this.retryable = opts.retryable;
  }
}

/** The account's SDK client. Failing to build one (credentials missing or invalid) is not retryable. */
export async function clientForAccount<T>(
  clientFor: (account: CloudAccountRef) => Promise<T>,
  account: CloudAccountRef,
  window: DayWindow,
  what: string,
): Promise<T> {
  try {
    return await clientFor(account);
  } catch (err) {
    throw new CollectionError(account, window, `no ${what} client: ${describeError(err)}`, { cause: err, retryable: false });
  }
}

/** Short, secret-free description of an SDK error for CollectionError messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
    return `${err.name}${code !== undefined ? ` (${String(code)})` : ""}: ${err.message.slice(0, 300)}`;
  }
  return String(err).slice(0, 300);
}

/** Every day of an inclusive window, oldest first. */
export function daysInWindow(window: DayWindow): string[] {
  const days: string[] = [];
  for (let d = window.start; d <= window.end; d = nextUtcDay(d)) days.push(d);
  return days;
}

/**
 * Splits a long window (a 13-month backfill) into pages of at most `maxDays` days, so that each
 * provider call stays small and a failure costs one page, not the whole history (DESIGN.md §2).
 */
export function splitWindow(window: DayWindow, maxDays: number): DayWindow[] {
  if (!Number.isInteger(maxDays) || maxDays < 1) throw new RangeError("maxDays must be a positive integer");
  const pages: DayWindow[] = [];
  let start = window.start;
  while (start <= window.end) {
    const candidate = addDays(start, maxDays - 1);
    // ISO dates compare as strings; Math.min does not apply.
    let end = window.end;
    if (candidate < window.end) end = candidate;
    pages.push({ start, end });
    start = nextUtcDay(end);
  }
  return pages;
}

/** The fields a mapper supplies; the builder adds the period end, lineage and key. */
export interface RecordDraft extends Omit<CostIdentity, "tenant_id">, CostAmounts {
  tags: Record<string, string>;
  /** Exclusive end; defaults to the day after charge_period_start (a daily record). */
  charge_period_end?: string;
}

/**
 * Turns drafts into CostRecords, merging drafts with the same identity: money is summed
 * exactly, quantity only when the units agree, and tags keep only the pairs all rows share.
 */
export function buildRecords(drafts: Iterable<RecordDraft>, ctx: MapContext, defaultSource: string): CostRecord[] {
  const byKey = new Map<string, CostRecord>();
  for (const d of drafts) {
    const identity: CostIdentity = {
      tenant_id: ctx.tenantId,
      provider: d.provider,
      billing_account_id: d.billing_account_id,
      sub_account_id: d.sub_account_id,
      service_name: d.service_name,
      service_category: d.service_category,
      region_id: d.region_id,
      resource_id: d.resource_id,
      charge_category: d.charge_category,
      charge_period_start: d.charge_period_start,
    };
    const key = recordKey(identity);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, {
        ...identity,
        charge_period_end: d.charge_period_end ?? nextUtcDay(d.charge_period_start),
        billed_cost: d.billed_cost,
        effective_cost: d.effective_cost,
        list_cost: d.list_cost,
        billing_currency: d.billing_currency,
        pricing_quantity: d.pricing_quantity,
        pricing_unit: d.pricing_unit,
        tags: { ...d.tags },
        source: ctx.source ?? defaultSource,
        ingested_at: ctx.ingestedAt,
        record_key: key,
      });
      continue;
    }
    if (prev.billing_currency !== d.billing_currency) {
      throw new RangeError(
        `rows for one record (${d.service_name}, ${d.sub_account_id}, ${d.charge_period_start}) mix currencies ${prev.billing_currency} and ${d.billing_currency}`,
      );
    }
    prev.billed_cost = add(prev.billed_cost, d.billed_cost);
    prev.effective_cost = add(prev.effective_cost, d.effective_cost);
    prev.list_cost = add(prev.list_cost, d.list_cost);
    if (prev.pricing_unit === d.pricing_unit && prev.pricing_quantity !== null && d.pricing_quantity !== null) {
      prev.pricing_quantity = add(prev.pricing_quantity, d.pricing_quantity);
    } else {
      prev.pricing_quantity = null;
      prev.pricing_unit = prev.pricing_unit === d.pricing_unit ? prev.pricing_unit : "";
    }
    prev.tags = intersectTags(prev.tags, d.tags);
  }
  return [...byKey.values()];
}

/** A provider answer that is not the documented shape (truncated or malformed body). */
export class UnreadableBodyError extends TypeError {
  override readonly name = "UnreadableBodyError";
}

/** Body parse failures: SyntaxError (AWS SDK), PARSE_ERROR (Azure core-client), our own shape checks. */
export function isUnreadableBody(err: unknown): boolean {
  return err instanceof SyntaxError || err instanceof UnreadableBodyError || (err as { code?: unknown })?.code === "PARSE_ERROR";
}

/**
 * Retries one provider read whose body did not parse. The SDKs deserialize outside their retry
 * loops (a truncated 200 is never retried by them), so without this a single bad body would cost
 * the whole window. Only idempotent reads go through it.
 */
export function readRetryPolicy(maxAttempts = 3, initialDelayMs = 50) {
  return retry(handleWhen(isUnreadableBody), {
    maxAttempts,
    backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: 2_000 }),
  });
}
