import { z } from "zod";
import { AppError } from "#kernel/errors.js";
import { type Clock, systemClock } from "#kernel/ports.js";
import type { BillingSource, CloudAccountRef, CollectRequest, CollectResult } from "../../ports.js";
import { buildRecords } from "../record-builder.js";
import { accountScope, CollectionError, describeError } from "../collection-error.js";
import { DayWindowSchema, daysInWindow, addDays } from "#kernel/days.js";
import { draftsFromDailyRows, parseDailyRows } from "./mapper.js";
import { type BigQueryApi, buildCostQuery, EXPORT_KINDS, fetchAllRows, TableRefSchema } from "./query.js";

const projectId = z.string().regex(/^(?:[a-z][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "invalid GCP project id");

/** `CloudAccountRef.scope` for GCP: the export table and the projects the tenant may see. */
export const GcpScopeSchema = z
  .object({
    billingAccountId: z.string().regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, "billing account ids look like 01338E-BE3FD6-363B4C"),
    projectIds: z.union([projectId.transform((p) => [p]), z.array(projectId).min(1)]),
    table: TableRefSchema,
    exportKind: z.enum(EXPORT_KINDS).default("detailed"),
    location: z.string().regex(/^[A-Za-z0-9-]{2,40}$/).optional(),
    labelKey: z.string().min(1).max(63).optional(),
    labelValue: z.string().max(63).optional(),
  })
  .refine((s) => (s.labelKey === undefined) === (s.labelValue === undefined), "labelKey and labelValue go together");
export type GcpScope = z.infer<typeof GcpScopeSchema>;

/** Errors another attempt cannot fix: bad SQL, no access, no such table. */
function isRetryable(err: unknown): boolean {
  // Our own refusals (a credential secret that must change) say so themselves.
  if (err instanceof AppError) return err.retryable;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "number") return code === 408 || code === 429 || code >= 500;
  return true;
}

export interface GcpSourceOptions {
  clientFor(account: CloudAccountRef): Promise<BigQueryApi>;
  clock?: Clock;
  pageSize?: number;
  lateDays?: number;
  /** The export lags; days this close to today are reported incomplete (default 2). */
  incompleteDays?: number;
}

/** GCP Cloud Billing export collector (issue 5): one parameterized query per window. */
export class GcpBillingExportSource implements BillingSource {
  readonly provider = "gcp" as const;

  constructor(private readonly opts: GcpSourceOptions) {}

  async collect(req: CollectRequest): Promise<CollectResult> {
    const { account } = req;
    const window = DayWindowSchema.parse(req.window);
    const scope = accountScope(GcpScopeSchema, account, window, "GCP");
    const built = buildCostQuery({
      table: scope.table,
      kind: scope.exportKind,
      window,
      projects: scope.projectIds,
      labelFilter: scope.labelKey !== undefined ? { key: scope.labelKey, value: scope.labelValue ?? "" } : undefined,
      lateDays: this.opts.lateDays,
    });

    let rows: unknown[];
    let requests: number;
    try {
      const api = await this.opts.clientFor(account);
      ({ rows, requests } = await fetchAllRows(api, built, { pageSize: this.opts.pageSize, location: scope.location }));
    } catch (err) {
      throw new CollectionError(account, window, `billing export query failed: ${describeError(err)}`, {
        cause: err,
        retryable: isRetryable(err),
      });
    }

    let drafts: ReturnType<typeof draftsFromDailyRows>;
    try {
      drafts = draftsFromDailyRows(parseDailyRows(rows));
    } catch (err) {
      throw new CollectionError(account, window, `unreadable billing export rows: ${describeError(err)}`, {
        cause: err,
        retryable: false,
      });
    }
    const days = daysInWindow(window);
    const inWindow = new Set(days);
    const allowed = new Set(scope.projectIds);
    const clock = this.opts.clock ?? systemClock;
    const kept = drafts.filter((d) => inWindow.has(d.charge_period_start) && allowed.has(d.sub_account_id));
    const records = buildRecords(kept, { tenantId: account.tenantId, ingestedAt: clock.now().toISOString() }, "gcp-billing-export");
    const today = clock.now().toISOString().slice(0, 10);
    const fresh = addDays(today, -(this.opts.incompleteDays ?? 2));
    return { records, incompleteDays: days.filter((d) => d >= fresh), calls: requests };
  }
}
