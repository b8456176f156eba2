import Big from "big.js";
import { z } from "zod";
import { decimalProblem } from "../../money.js";

/**
 * Vultr API v2 billing answers (Vultr API reference, "Billing": list-billing-history,
 * list-invoices, get-invoice-items, list-pending-charges; the field names of govultr's
 * BillingHistory, Invoice and InvoiceItem). Lists carry `meta: {total, links: {next, prev}}`, where
 * `links.next` is the cursor of the next page ("" on the last). Amounts arrive as strings in older
 * answers and as numbers in newer ones; both become exact decimal strings.
 */
const Text = z.string().max(1024);

/** An amount as a string or a JSON number, as the exact decimal it is written as. */
export const VultrAmount = z.union([z.string().max(64), z.number().finite().min(-1e12).max(1e12)]).transform((v, ctx) => {
  const text = typeof v === "number" ? String(v) : v.trim();
  const problem = decimalProblem(text);
  if (problem) {
    ctx.addIssue({ code: "custom", message: `${problem}: ${JSON.stringify(text.slice(0, 40))}` });
    return z.NEVER;
  }
  return new Big(text).toFixed();
});

export const VultrMetaSchema = z.object({
  total: z.number().int().min(0).optional(),
  links: z.object({ next: z.string().max(2048).default(""), prev: z.string().max(2048).default("") }).default({ next: "", prev: "" }),
});

const DateText = z.string().min(10).max(40);

export const VultrInvoiceSchema = z.object({
  id: z.union([z.number().int(), z.string().max(64)]).transform(String),
  date: DateText,
  description: Text.default(""),
  amount: VultrAmount,
  balance: VultrAmount.optional(),
});
export type VultrInvoice = z.infer<typeof VultrInvoiceSchema>;

export const VultrChargeSchema = z.object({
  description: Text.default(""),
  product: Text.default(""),
  start_date: DateText,
  end_date: DateText,
  units: VultrAmount.optional(),
  unit_type: Text.default(""),
  unit_price: VultrAmount.optional(),
  total: VultrAmount,
});
export type VultrCharge = z.infer<typeof VultrChargeSchema>;

export const VultrHistorySchema = z.object({
  id: z.union([z.number().int(), z.string().max(64)]).transform(String),
  date: DateText,
  type: Text,
  description: Text.default(""),
  amount: VultrAmount,
  balance: VultrAmount,
});
export type VultrHistoryEntry = z.infer<typeof VultrHistorySchema>;

const MAX_PAGE = 500;
export const InvoicesPageSchema = z.object({ billing_invoices: z.array(VultrInvoiceSchema).max(MAX_PAGE), meta: VultrMetaSchema.optional() });
export const ItemsPageSchema = z.object({ invoice_items: z.array(VultrChargeSchema).max(MAX_PAGE), meta: VultrMetaSchema.optional() });
export const HistoryPageSchema = z.object({ billing_history: z.array(VultrHistorySchema).max(MAX_PAGE), meta: VultrMetaSchema.optional() });
export const PendingChargesSchema = z.object({ pending_charges: z.array(VultrChargeSchema).max(10_000) });
