import { z } from "zod";
import { isDecimal } from "#domain/billing/money.js";
import { IsoDate } from "#kernel/days.js";
import { storedMoney } from "../warehouse/warehouse-input.js";
import type { ColumnSpec, TableSpec } from "./table-schemas.js";

/**
 * A zod schema for one row of a history table, derived from its TableSpec, so that a row is
 * refused here (InputError, nothing sent) rather than by BigQuery (an insert error per row).
 * The output is the row as insertAll takes it: money as a decimal string rounded to the column's
 * scale like the ledger (half-even), JSON columns as JSON text, absent nullable columns as null.
 *
 * @example
 *   const row = rowSchema(FORECASTS).parse({ tenant_id: "acme", as_of: "2026-11-20", ... });
 */

function scalar(c: ColumnSpec): z.ZodType {
  switch (c.type) {
    case "STRING":
      return z.string();
    case "DATE":
      return IsoDate;
    case "TIMESTAMP":
      return z.iso.datetime({ offset: true });
    case "BIGNUMERIC":
      return z.string().refine(isDecimal, "expected a decimal string").transform(storedMoney);
    case "INT64":
      return z.number().int().refine(Number.isSafeInteger, "expected a safe integer");
    case "FLOAT64":
      return z.number().finite();
    case "BOOL":
      return z.boolean();
    case "JSON":
      return z.json().transform((v) => JSON.stringify(v));
    case "RECORD":
      return recordSchema(c.fields ?? []);
  }
}

function recordSchema(columns: readonly ColumnSpec[]): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const c of columns) {
    const s = scalar(c);
    if (c.mode === "REPEATED") shape[c.name] = z.array(s).max(10_000).default([]);
    else if (c.mode === "NULLABLE") shape[c.name] = s.nullable().optional().transform((v) => v ?? null);
    else shape[c.name] = s;
  }
  return z.strictObject(shape) as z.ZodType<Record<string, unknown>>;
}

export function rowSchema(spec: TableSpec): z.ZodType<Record<string, unknown>> {
  return recordSchema(spec.columns);
}
