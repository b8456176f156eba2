import Big from "big.js";
import { z } from "zod";
import { paths } from "#kernel/document-paths.js";
import type { DocumentStore } from "#kernel/ports.js";
import { compareDecimals, MoneyString, sub } from "../billing/money.js";
import { LlmProvider } from "./event.js";
import type { LlmLedger, ReconcileCause, ReconciliationRow } from "./ledger-port.js";

/** A calendar month, `YYYY-MM`, from 2000 to 2099. */
export const IsoMonth = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, "a month is YYYY-MM, e.g. 2026-03");

/** An invoice and our total may differ by this share of the invoice before they are called apart. */
const INVOICE_TOLERANCE = new Big("0.01");

/** The largest invoice total accepted: far above any real one, and well inside the money bounds. */
const MAX_INVOICE_USD = "1000000000000";

/** The inclusive days of a month. */
export function monthWindow(month: string): { start: string; end: string } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  // Day 0 of the next month is the last day of this one.
  return { start: `${month}-01`, end: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

export const RecordLlmInvoiceInput = z.strictObject({
  provider: LlmProvider,
  month: IsoMonth,
  /** The invoice's total for LLM usage, in USD (the ledger prices in USD and never converts). */
  amountUsd: MoneyString.refine((v) => compareDecimals(v, "0") >= 0 && compareDecimals(v, MAX_INVOICE_USD) <= 0, `amountUsd must be between 0 and ${MAX_INVOICE_USD}`),
  /** The provider's invoice number, as printed. */
  reference: z
    .string()
    .regex(/^\P{Cc}{1,128}$/u, "a reference is 1-128 printable characters")
    .optional(),
});
export type RecordLlmInvoiceRequest = z.output<typeof RecordLlmInvoiceInput>;

export interface LlmInvoice {
  [k: string]: unknown;
  provider: string;
  month: string;
  amountUsd: string;
  reference: string | null;
  enteredAt: string;
  enteredBy: string;
}

/** One document per provider and month: entering an invoice again replaces it (a corrected invoice). */
const invoiceId = (provider: string, month: string) => `${provider}~${month}`;

/**
 * Stores a provider's invoice total for a month, to be compared with the ledger by
 * {@link getLlmReconciliation}.
 *
 * @example
 *   await recordLlmInvoice(store, "acme", { provider: "openai", month: "2026-03", amountUsd: "1234.56" }, "user:ann", now);
 */
export async function recordLlmInvoice(store: DocumentStore, tenantId: string, input: RecordLlmInvoiceRequest, by: string, now: Date): Promise<LlmInvoice> {
  const doc: LlmInvoice = { provider: input.provider, month: input.month, amountUsd: input.amountUsd, reference: input.reference ?? null, enteredAt: now.toISOString(), enteredBy: by };
  await store.set(paths.llmInvoice(tenantId, invoiceId(input.provider, input.month)), doc);
  return doc;
}

export const GetLlmReconciliationInput = z.strictObject({
  month: IsoMonth,
  provider: LlmProvider.optional(),
});

export interface ProviderComparison {
  provider: string;
  /** Our total of the month's events, priced by us (or at the caller's cost where we had no price). */
  ledgerUsd: string;
  /** The entered invoice total, or null when none was entered. */
  invoiceUsd: string | null;
  reference: string | null;
  /** invoice − ledger; null without an invoice. */
  differenceUsd: string | null;
  /** The difference as a percentage of the invoice, two places; null without an invoice or when it is zero. */
  differencePct: string | null;
  /** Within 1% of the invoice; null without one. */
  matches: boolean | null;
}

export interface FlagGroup {
  provider: string;
  model: string;
  cause: ReconcileCause;
  events: number;
  costUsd: string;
  clientCostUsd: string;
  /** client − ours over the group's events. */
  differenceUsd: string;
}

/**
 * A month's reconciliation: the events flagged at ingest (our cost and the caller's apart by more
 * than 1%, a model no source prices, a tier the source does not price), grouped by model and
 * cause, and each provider's ledger total beside the invoice entered for it.
 */
export async function getLlmReconciliation(
  ledger: LlmLedger,
  store: DocumentStore,
  tenantId: string,
  q: z.output<typeof GetLlmReconciliationInput>,
): Promise<{ month: string; window: { start: string; end: string }; currency: "USD"; flags: FlagGroup[]; flaggedEvents: Record<ReconcileCause, number>; providers: ProviderComparison[] }> {
  const window = monthWindow(q.month);
  const [rows, usage, invoices] = await Promise.all([
    ledger.reconciliation(tenantId, window),
    ledger.usage(tenantId, { window, groupBy: ["provider"], filter: q.provider ? { provider: q.provider } : {}, limit: 1000 }),
    store.list<LlmInvoice>(paths.llmInvoices(tenantId), { where: [["month", "==", q.month]], limit: 1000 }),
  ]);
  const flags = rows.filter((r: ReconciliationRow) => !q.provider || r.provider === q.provider).map((r) => ({ ...r, differenceUsd: sub(r.clientCostUsd, r.costUsd) }));
  const flaggedEvents: Record<ReconcileCause, number> = { "unknown-model": 0, "cache-tokens-missing": 0, tier: 0, "price-difference": 0 };
  for (const f of flags) flaggedEvents[f.cause] += f.events;

  const ledgerBy = new Map(usage.rows.map((r) => [String(r.keys.provider), r.costUsd]));
  const invoiceBy = new Map(invoices.docs.map((d) => [d.data.provider, d.data]));
  const names = [...new Set([...ledgerBy.keys(), ...invoiceBy.keys()])].filter((p) => !q.provider || p === q.provider).sort();
  const providers = names.map((provider): ProviderComparison => {
    const ledgerUsd = ledgerBy.get(provider) ?? "0";
    const inv = invoiceBy.get(provider);
    if (!inv) return { provider, ledgerUsd, invoiceUsd: null, reference: null, differenceUsd: null, differencePct: null, matches: null };
    const diff = new Big(inv.amountUsd).minus(ledgerUsd);
    const invoice = new Big(inv.amountUsd);
    return {
      provider,
      ledgerUsd,
      invoiceUsd: inv.amountUsd,
      reference: inv.reference,
      differenceUsd: diff.toFixed(),
      differencePct: invoice.eq(0) ? null : diff.div(invoice).times(100).round(2, Big.roundHalfEven).toFixed(2),
      matches: diff.abs().lte(invoice.times(INVOICE_TOLERANCE)),
    };
  });
  return { month: q.month, window, currency: "USD", flags, flaggedEvents, providers };
}
