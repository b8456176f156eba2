import { z } from "zod";
import { isDecimal } from "#domain/billing/money.js";
import type { CostColumn, CostQuery, CostRow, CostTotals } from "#domain/billing/ports.js";
import { IsoDate } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import { canonicalMoney } from "../warehouse/warehouse-input.js";
import { RESULT, tagColumn } from "./cost-read-sql.js";

/**
 * Result rows of the read statements (cost-read-sql.ts) as the port's types. The client hands rows
 * over as objects keyed by column name; every column was cast to STRING in SQL, so each value is a
 * string or, for a tag the row lacks, null. Rows are checked with zod: a response that does not
 * match the statement is a failure, not a row of zeros.
 *
 * @example
 *   decodeCostRows([{ day: "2026-04-01", service_name: "Compute", billed_cost_sum: "9.000", effective_cost_sum: "7" }],
 *                  { window, groupBy: ["service_name"] });
 *   // [{ date: "2026-04-01", dims: { service_name: "Compute" }, billed_cost: "9", effective_cost: "7" }]
 */

const Money = z.string().refine(isDecimal, "expected a decimal string");
const Count = z.string().regex(/^\d+$/);

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    // The response is BigQuery's, not the caller's: retrying the read is the only remedy.
    throw new AppError("unavailable", `BigQuery ${what} returned an unexpected row: ${z.prettifyError(r.error)}`, { retryable: true });
  }
  return r.data;
}

export function decodeCostRows(rows: readonly unknown[], q: CostQuery): CostRow[] {
  const dims = q.groupBy;
  const tagKeys = q.groupByTags ?? [];
  const shape: Record<string, z.ZodType> = { [RESULT.day]: IsoDate, [RESULT.billed]: Money, [RESULT.effective]: Money };
  for (const d of dims) shape[d] = z.string();
  tagKeys.forEach((_, i) => {
    shape[tagColumn(i)] = z.string().nullable();
  });
  const Row = z.looseObject(shape);
  return rows.map((raw) => {
    const row = parse(Row, raw, "queryDaily") as Record<string, string | null>;
    const out: CostRow = {
      date: row[RESULT.day] as string,
      dims: Object.fromEntries(dims.map((d) => [d, row[d] as string])) as Partial<Record<CostColumn, string>>,
      billed_cost: canonicalMoney(row[RESULT.billed] as string),
      effective_cost: canonicalMoney(row[RESULT.effective] as string),
    };
    if (q.groupByTags) {
      // fromEntries defines own properties, so even a key like "__proto__" stays plain data.
      out.tags = Object.fromEntries(
        tagKeys.flatMap((key, i) => {
          const v = row[tagColumn(i)];
          return v === null || v === undefined ? [] : [[key, v]];
        }),
      );
    }
    return out;
  });
}

const TotalsRow = z.looseObject({ [RESULT.rows]: Count, [RESULT.billed]: Money, [RESULT.effective]: Money });

export function decodeTotals(rows: readonly unknown[]): CostTotals {
  if (rows.length !== 1) throw new AppError("unavailable", `BigQuery totals returned ${rows.length} rows, not 1`, { retryable: true });
  const row = parse(TotalsRow, rows[0], "totals");
  return {
    rows: Number(row[RESULT.rows]),
    billed_cost: canonicalMoney(row[RESULT.billed]),
    effective_cost: canonicalMoney(row[RESULT.effective]),
  };
}

const DayRow = z.looseObject({ [RESULT.day]: IsoDate });

export function decodeDays(rows: readonly unknown[]): string[] {
  return rows.map((r) => parse(DayRow, r, "days")[RESULT.day]);
}
