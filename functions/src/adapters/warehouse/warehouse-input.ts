import Big from "big.js";
import { z } from "zod";
import { LEDGER_VIEWS, type LedgerView, viewOf } from "#domain/billing/ledger-view.js";
import { COST_DIMENSIONS, type CostRecord, CostRecordSchema } from "#domain/billing/cost-record.js";
import { type CostQuery, MAX_GROUP_BY_TAGS, type WindowScope } from "#domain/billing/ports.js";
import { type DayWindow, DayWindowSchema } from "#kernel/days.js";
import { InputError, type InputIssue } from "#kernel/errors.js";

/**
 * Input checks shared by the CostWarehouse adapters, so that DuckDB, BigQuery and the memory fake
 * refuse the same bad calls with the same messages. Every refusal is an InputError
 * (`invalid-argument`, not retryable): a bad batch stays bad however often it is re-sent.
 * Money is stored at 12 decimal places (DECIMAL(38,12) locally, BIGNUMERIC(38,12) in BigQuery);
 * amounts with more places are rounded half-even here, once, so that every adapter stores the
 * same value.
 *
 * @example
 *   const rows = prepareRecords(tenantId, records); // validated, money normalized, one row per key
 *   const q = validateCostQuery(query);             // throws InputError("invalid cost query: ...")
 */
export const MONEY_SCALE = 12;

const TenantId = z.string().min(1, "tenantId is required");

const WindowScopeSchema = z
  .object({
    tenantId: TenantId,
    provider: CostRecordSchema.shape.provider,
    subAccountIds: z.array(z.string()).min(1, "subAccountIds, when given, must not be empty").optional(),
    billingAccountIds: z.array(z.string()).min(1, "billingAccountIds, when given, must not be empty").max(10_000).optional(),
    source: z.string().min(1),
  })
  .strict();

const Column = z.enum([...COST_DIMENSIONS, "charge_category", "billing_currency"]);
/**
 * Tag keys are restricted to what can sit inside a JSON path (DuckDB reads tags with one);
 * values always travel as parameters.
 */
const TagKey = z.string().regex(/^[A-Za-z0-9_.:/@ -]{1,128}$/, "tag keys are letters, digits and _.:/@- ");
const unique = (xs: readonly string[]) => new Set(xs).size === xs.length;

const CostQuerySchema = z
  .object({
    window: DayWindowSchema,
    groupBy: z.array(Column).refine(unique, "groupBy lists a dimension twice"),
    groupByTags: z.array(TagKey).max(MAX_GROUP_BY_TAGS).refine(unique, "groupByTags lists a tag key twice").optional(),
    filter: z.partialRecord(Column, z.array(z.string())).optional(),
    tags: z.record(TagKey, z.string().max(256)).optional(),
    view: z.enum(LEDGER_VIEWS).optional(),
  })
  .strict();

function issuesOf(error: z.ZodError, prefix = ""): InputIssue[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter((p) => p !== "").join("."), message: i.message }));
}

function fail(what: string, error: z.ZodError): never {
  throw new InputError(`invalid ${what}: ${z.prettifyError(error)}`, issuesOf(error));
}

export function validateTenantId(tenantId: string): string {
  const r = TenantId.safeParse(tenantId);
  return r.success ? r.data : fail("tenantId", r.error);
}

export function validateWindow(window: DayWindow): DayWindow {
  const r = DayWindowSchema.safeParse(window);
  return r.success ? r.data : fail("window", r.error);
}

export function validateScope(scope: WindowScope): WindowScope {
  const r = WindowScopeSchema.safeParse(scope);
  return r.success ? r.data : fail("scope", r.error);
}

/** The query, valid, with the view it reads made explicit (viewOf): warehouses filter on `view`. */
export function validateCostQuery(query: CostQuery): CostQuery & { view: LedgerView } {
  const r = CostQuerySchema.safeParse(query);
  if (!r.success) return fail("cost query", r.error);
  const q = r.data as CostQuery;
  return { ...q, view: viewOf(q) };
}

const PLAIN_MONEY = new RegExp(`^-?\\d+(\\.\\d{1,${MONEY_SCALE}})?$`);

/** DECIMAL(38,12) leaves 26 integer digits. */
const MAX_INTEGER_DIGITS = 38 - MONEY_SCALE;

/** An amount as stored: unchanged when already plain with at most 12 places, else rounded. */
export function storedMoney(value: string): string {
  const s = PLAIN_MONEY.test(value) ? value : new Big(value.trim()).round(MONEY_SCALE, Big.roundHalfEven).toFixed();
  const integerDigits = s.replace("-", "").split(".")[0]?.replace(/^0+/, "").length ?? 0;
  if (integerDigits > MAX_INTEGER_DIGITS) {
    throw new InputError(`amount out of range (over ${MAX_INTEGER_DIGITS} integer digits)`, [{ path: "", message: "amount out of range" }]);
  }
  return s;
}

/** Canonical text of an amount read back: no trailing zeros, no "-0" (what Big#toFixed gives). */
export function canonicalMoney(value: string): string {
  const s = new Big(value).toFixed();
  return s === "-0" ? "0" : s;
}

function recordRefusal(i: number, message: string, path = ""): InputError {
  return new InputError(`invalid cost record at index ${i}: ${message}`, [{ path: `records.${i}${path ? `.${path}` : ""}`, message }]);
}

/**
 * Validates every record and that it belongs to `tenantId`; normalizes money; keeps the last
 * record of each record_key, as a re-sent row replaces the earlier one.
 */
export function prepareRecords(tenantId: string, records: readonly CostRecord[]): CostRecord[] {
  validateTenantId(tenantId);
  if (!Array.isArray(records)) throw new InputError("records must be an array", [{ path: "records", message: "not an array" }]);
  const byKey = new Map<string, CostRecord>();
  records.forEach((rec, i) => {
    const r = CostRecordSchema.safeParse(rec);
    if (!r.success) {
      throw new InputError(`invalid cost record at index ${i}: ${z.prettifyError(r.error)}`, issuesOf(r.error, `records.${i}`));
    }
    const x = r.data;
    const money = (v: string, field: string) => {
      try {
        return storedMoney(v);
      } catch (err) {
        throw recordRefusal(i, (err as Error).message, field);
      }
    };
    if (x.tenant_id !== tenantId) {
      throw new InputError(`cost record at index ${i} belongs to another tenant than ${JSON.stringify(tenantId)}`, [
        { path: `records.${i}.tenant_id`, message: "another tenant" },
      ]);
    }
    byKey.delete(x.record_key); // re-insert so that Map order follows the last occurrence
    byKey.set(x.record_key, {
      ...x,
      billed_cost: money(x.billed_cost, "billed_cost"),
      effective_cost: money(x.effective_cost, "effective_cost"),
      list_cost: money(x.list_cost, "list_cost"),
      pricing_quantity: x.pricing_quantity === null ? null : money(x.pricing_quantity, "pricing_quantity"),
    });
  });
  return [...byKey.values()];
}

/** Checks that replaceWindow's records all fall inside the scope and window it replaces. */
export function checkRecordsInScope(scope: WindowScope, window: DayWindow, records: readonly CostRecord[]): void {
  const subs = scope.subAccountIds ? new Set(scope.subAccountIds) : null;
  const billing = scope.billingAccountIds ? new Set(scope.billingAccountIds) : null;
  records.forEach((r, i) => {
    const where = `record at index ${i} (${r.record_key})`;
    const refuse = (field: string, message: string) => new InputError(`${where} ${message}`, [{ path: `records.${i}.${field}`, message }]);
    if (r.provider !== scope.provider) throw refuse("provider", `has provider ${r.provider}, not ${scope.provider}`);
    if (r.source !== scope.source) throw refuse("source", `has source ${r.source}, not ${scope.source}`);
    if (subs && !subs.has(r.sub_account_id)) throw refuse("sub_account_id", "is outside the scope's sub accounts");
    if (billing && !billing.has(r.billing_account_id)) throw refuse("billing_account_id", "is outside the scope's billing accounts");
    if (r.charge_period_start < window.start || r.charge_period_start > window.end) {
      throw refuse("charge_period_start", `is dated ${r.charge_period_start}, outside ${window.start}..${window.end}`);
    }
  });
}
