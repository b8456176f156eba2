import type { CostDimension } from "../billing/cost-record.js";

/**
 * One daily ledger row as the analysis reads it: the values of the columns and tag keys it was
 * grouped by, and its billed cost (decimal string). The warehouse's CostRow has this shape; the
 * analysis names it here so that it depends on no port.
 */
export interface LedgerRow {
  date: string;
  dims: Partial<Record<CostDimension | "charge_category" | "billing_currency", string>>;
  /** Values of the grouped tag keys; a key the records lack is absent. */
  tags?: Record<string, string>;
  billed_cost: string;
}
