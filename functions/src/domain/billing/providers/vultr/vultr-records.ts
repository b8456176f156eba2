import Big from "big.js";
import { nextUtcDay } from "#kernel/days.js";
import type { CostRecord } from "../../cost-record.js";
import { addDecimals } from "../../money.js";
import type { MapContext } from "../map-context.js";
import { buildRecords, type RecordDraft } from "../record-builder.js";
import type { VultrCharge, VultrHistoryEntry, VultrInvoice } from "./vultr-response.js";

/** What an invoice's items may differ from its total by before the load is refused. */
export const RECONCILE_TOLERANCE = "0.01";

export const VULTR_INVOICE_SOURCE = "vultr-invoice";
export const VULTR_PENDING_SOURCE = "vultr-pending";

const day = (d: string): string => new Date(d).toISOString().slice(0, 10);

function chargeDraft(c: VultrCharge, accountId: string, start: string, end: string): RecordDraft {
  const negative = new Big(c.total).lt(0);
  return {
    provider: "other",
    billing_account_id: accountId,
    sub_account_id: accountId,
    service_name: c.product || "Vultr",
    service_category: "Compute",
    region_id: "",
    resource_id: "",
    charge_category: negative ? "Credit" : "Usage",
    charge_period_start: start,
    charge_period_end: end,
    billed_cost: c.total,
    effective_cost: c.total,
    list_cost: c.total,
    billing_currency: "USD",
    pricing_quantity: c.units ?? null,
    pricing_unit: c.unit_type,
    // Vultr line items carry no tags.
    tags: {},
    charge_description: c.description,
  };
}

export interface InvoiceLoad {
  records: CostRecord[];
  itemsTotal: string;
  difference: string;
}

/**
 * A closed invoice's items as ledger rows, reconciled first: the items must sum to the invoice
 * amount within RECONCILE_TOLERANCE, or a RangeError is thrown and nothing is loaded. Each item is
 * one row over its own service dates (start day to the day after its end day), keyed by its
 * product, unit and description; negative items are credits. Vultr bills in USD.
 *
 * @example
 *   const { records } = invoiceRecords(invoice, items, ctx, "acct-1");
 */
export function invoiceRecords(invoice: VultrInvoice, items: readonly VultrCharge[], ctx: MapContext, accountId: string): InvoiceLoad {
  const itemsTotal = addDecimals(items.map((i) => i.total));
  const difference = new Big(itemsTotal).minus(invoice.amount).abs().toFixed();
  if (new Big(difference).gt(RECONCILE_TOLERANCE)) {
    throw new RangeError(`invoice ${invoice.id}: items sum to ${itemsTotal}, the invoice says ${invoice.amount} (off by ${difference})`);
  }
  const drafts = items.map((c) => chargeDraft(c, accountId, day(c.start_date), nextUtcDay(day(c.end_date))));
  return { records: buildRecords(drafts, { ...ctx, source: VULTR_INVOICE_SOURCE }, VULTR_INVOICE_SOURCE), itemsTotal, difference };
}

/**
 * Today's pending charges (month to date) as one snapshot: rows from the first day of the month
 * to the day after the snapshot day, so the next day's snapshot has the same keys and replaces it
 * instead of adding to it. When the month's invoice closes, its items replace the snapshot.
 */
export function pendingSnapshotRecords(charges: readonly VultrCharge[], snapshotDay: string, ctx: MapContext, accountId: string): CostRecord[] {
  const monthStart = `${snapshotDay.slice(0, 7)}-01`;
  const drafts = charges.map((c) => chargeDraft(c, accountId, monthStart, nextUtcDay(snapshotDay)));
  return buildRecords(drafts, { ...ctx, source: VULTR_PENDING_SOURCE }, VULTR_PENDING_SOURCE);
}

/** The account's balance after the latest history entry: a negative balance is credit the account holds. */
export function accountBalance(history: readonly VultrHistoryEntry[]): { balance: string; credit: string } | null {
  const latest = [...history].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : Number(a.id) - Number(b.id))).at(-1);
  if (!latest) return null;
  const b = new Big(latest.balance);
  return { balance: b.toFixed(), credit: b.lt(0) ? b.abs().toFixed() : "0" };
}
