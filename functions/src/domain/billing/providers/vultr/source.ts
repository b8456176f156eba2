import type { z } from "zod";
import { monthsBefore } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import { type Clock, systemClock } from "#kernel/ports.js";
import type { CostRecord } from "../../cost-record.js";
import type { BillingSource, CloudAccountRef, CollectRequest, CollectResult } from "../../ports.js";
import { clientForAccount, CollectionError, describeError } from "../collection-error.js";
import { invoiceRecords, pendingSnapshotRecords } from "./vultr-records.js";
import { HistoryPageSchema, InvoicesPageSchema, ItemsPageSchema, PendingChargesSchema, type VultrCharge, type VultrHistoryEntry, type VultrInvoice } from "./vultr-response.js";

/** The Vultr API as the source needs it: one GET of a path under /v2 with query parameters, parsed JSON back. */
export interface VultrApi {
  get(path: string, query: Record<string, string>): Promise<unknown>;
}

/** The largest page Vultr serves. */
export const VULTR_PER_PAGE = 500;
/** A bound on pages per list, so a server that always answers `links.next` cannot loop forever. */
const MAX_PAGES = 1_000;

/**
 * Every item of a cursor-paged list: `per_page=500`, then `cursor=<meta.links.next>` until it is
 * empty. Returns the items and the number of pages read.
 */
export async function fetchAllPages<S extends z.ZodType<{ meta?: { links: { next: string } } | undefined }>, T>(
  api: VultrApi,
  path: string,
  schema: S,
  pick: (page: z.infer<S>) => T[],
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor = "";
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const query: Record<string, string> = { per_page: String(VULTR_PER_PAGE) };
    if (cursor) query.cursor = cursor;
    const parsed = schema.safeParse(await api.get(path, query));
    if (!parsed.success) throw new AppError("failed-precondition", `unreadable answer from ${path}: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`, { retryable: false });
    items.push(...pick(parsed.data));
    cursor = parsed.data.meta?.links.next ?? "";
    if (!cursor) return { items, pages };
  }
  throw new AppError("failed-precondition", `${path} still had a next page after ${MAX_PAGES} pages`, { retryable: false });
}

export const listInvoices = (api: VultrApi): Promise<{ items: VultrInvoice[]; pages: number }> =>
  fetchAllPages(api, "billing/invoices", InvoicesPageSchema, (p) => p.billing_invoices);
export const listInvoiceItems = (api: VultrApi, id: string): Promise<{ items: VultrCharge[]; pages: number }> =>
  fetchAllPages(api, `billing/invoices/${encodeURIComponent(id)}/items`, ItemsPageSchema, (p) => p.invoice_items);
export const listHistory = (api: VultrApi): Promise<{ items: VultrHistoryEntry[]; pages: number }> =>
  fetchAllPages(api, "billing/history", HistoryPageSchema, (p) => p.billing_history);

export interface VultrSourceOptions {
  /** Builds (or returns a cached) client for one Vultr account (its API key comes from the account's secret). */
  clientFor(account: CloudAccountRef): Promise<VultrApi>;
  clock?: Clock;
}

/**
 * Vultr spend by invoice month. The nightly pages a Vultr account by calendar month, always
 * including the month before the current one (domain/nightly/window-rules.ts), and for a page:
 *
 * - loads the items of every invoice dated in the page's month or the month after (Vultr dates a
 *   month's invoice on the 1st of the next one; an invoice appears once the month has closed),
 *   each reconciled to its invoice total first, and keeps the items whose service starts inside
 *   the page;
 * - when the page is of today's month and starts on its 1st, adds the pending charges (month to
 *   date) as a snapshot dated the 1st, which the next night's snapshot replaces, and which the
 *   month's invoice items replace once it closes;
 * - for the month just before today's whose invoice is not out yet, keeps what the ledger holds
 *   (`keepLedger`: the last snapshot stays until the invoice replaces it).
 *
 * Rows are provider "other", in USD. "Today" is the clock's UTC day.
 */
export class VultrBillingSource implements BillingSource {
  readonly provider = "other" as const;

  constructor(private readonly opts: VultrSourceOptions) {}

  async collect(req: CollectRequest): Promise<CollectResult> {
    const { account, window } = req;
    const api = await clientForAccount(this.opts.clientFor, account, window, "Vultr");
    const ingestedAt = (this.opts.clock ?? systemClock).now().toISOString();
    const today = ingestedAt.slice(0, 10);
    const ctx = { tenantId: account.tenantId, ingestedAt };
    const pageMonth = window.start.slice(0, 7);
    const nextMonth = monthsBefore(window.start, -1).slice(0, 7);
    const records: CostRecord[] = [];
    let calls = 0;
    let closed = false;
    let snapshot = false;
    try {
      const invoices = await listInvoices(api);
      calls += invoices.pages;
      for (const inv of invoices.items) {
        const month = new Date(inv.date).toISOString().slice(0, 7);
        if (month === nextMonth) closed = true;
        if (month !== pageMonth && month !== nextMonth) continue;
        const items = await listInvoiceItems(api, inv.id);
        calls += items.pages;
        records.push(...invoiceRecords(inv, items.items, ctx, account.accountId).records);
      }
      if (pageMonth === today.slice(0, 7) && window.start === `${pageMonth}-01`) {
        const pending = PendingChargesSchema.safeParse(await api.get("billing/pending-charges", {}));
        calls += 1;
        if (!pending.success) throw new AppError("failed-precondition", `unreadable answer from billing/pending-charges: ${pending.error.issues[0]?.message}`, { retryable: false });
        records.push(...pendingSnapshotRecords(pending.data.pending_charges, today, ctx, account.accountId));
        snapshot = true;
      }
    } catch (err) {
      const retryable = err instanceof RangeError ? false : !(err instanceof AppError) || err.retryable;
      throw new CollectionError(account, window, describeError(err), { cause: err, retryable });
    }
    const inPage = records.filter((r) => r.charge_period_start >= window.start && r.charge_period_start <= window.end);
    // The month before today's, its invoice not out yet: the ledger's last snapshot of it stays.
    if (!closed && nextMonth === today.slice(0, 7) && inPage.length === 0) return { records: [], incompleteDays: [], calls, keepLedger: true };
    return { records: inPage, incompleteDays: snapshot ? [window.start] : [], calls };
  }
}
