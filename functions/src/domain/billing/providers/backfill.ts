import { ExponentialBackoff, handleWhen, retry } from "cockatiel";
import type { BillingSource, CloudAccountRef, CollectResult } from "../ports.js";
import { type DayWindow, DayWindowSchema, splitWindow } from "#kernel/days.js";
import { CollectionError } from "./collection-error.js";

/**
 * Pulls a long window (a new account's 13-month history, DESIGN.md §2) page by page. Inside a
 * page the SDKs retry each call; when a page still fails with a retryable CollectionError it is
 * pulled again whole, with exponential backoff (F5 "bounded retry with backoff"). Each page is
 * handed to `store` only once complete, and storing is replaceWindow, so a repeated page is harmless.
 */
export interface BackfillOptions {
  source: BillingSource;
  account: CloudAccountRef;
  window: DayWindow;
  /** Receives each complete page, oldest first (typically CostWarehouse.replaceWindow). */
  store(page: DayWindow, result: CollectResult): Promise<void>;
  pageDays?: number;
  maxPageAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface BackfillSummary {
  pages: number;
  records: number;
  calls: number;
  pageRetries: number;
  incompleteDays: string[];
}

export async function backfillInPages(opts: BackfillOptions): Promise<BackfillSummary> {
  const window = DayWindowSchema.parse(opts.window);
  const pages = splitWindow(window, opts.pageDays ?? 31);
  const summary: BackfillSummary = { pages: pages.length, records: 0, calls: 0, pageRetries: 0, incompleteDays: [] };
  const policy = retry(
    handleWhen((e) => e instanceof CollectionError && e.retryable),
    {
      maxAttempts: opts.maxPageAttempts ?? 5,
      backoff: new ExponentialBackoff({ initialDelay: opts.initialDelayMs ?? 1_000, maxDelay: opts.maxDelayMs ?? 60_000 }),
    },
  );
  policy.onRetry(() => {
    summary.pageRetries += 1;
  });
  for (const page of pages) {
    const result = await policy.execute(() => opts.source.collect({ account: opts.account, window: page }));
    await opts.store(page, result);
    summary.records += result.records.length;
    summary.calls += result.calls;
    summary.incompleteDays.push(...result.incompleteDays);
  }
  return summary;
}
