import { z } from "zod";
import { type Clock, systemClock } from "#kernel/ports.js";
import { PROVIDERS } from "../../cost-record.js";
import type { BillingSource, CollectRequest, CollectResult } from "../../ports.js";
import { accountScope, CollectionError, describeError } from "../collection-error.js";
import type { FocusImportResult, ImportOptions } from "./types.js";

/**
 * Where a tenant's FOCUS export lands: a folder on the machine that runs the platform, or a Cloud
 * Storage bucket and prefix. Exactly one of the two. Paths never climb (`..`) and are bounded.
 */
const AbsolutePath = z
  .string()
  .min(2)
  .max(1024)
  .regex(/^(\/|[A-Za-z]:[\\/])/, "an absolute path (a folder on the machine that runs the nightly)")
  .refine((p) => !p.includes("\0") && !p.split(/[\\/]/).includes(".."), "no '..' segments and no NUL");

/** Cloud Storage bucket names: 3 to 63 of a-z 0-9 - _ ., starting and ending with a letter or digit, never `goog…`. */
const BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "a Cloud Storage bucket name: 3 to 63 of a-z, 0-9, '-', '_', '.'")
  .refine((b) => !b.startsWith("goog"), "bucket names may not start with 'goog'");

const Prefix = z
  .string()
  .max(1024)
  .refine((p) => !p.startsWith("/"), "an object prefix without a leading '/'")
  .refine((p) => !p.includes("\0") && !p.split("/").includes(".."), "no '..' segments and no NUL");

const Currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD");

/**
 * The scope of a FOCUS export account. Other keys (the billing and sub-account ids toAccountRef
 * adds) pass through.
 *
 * @example
 *   FocusExportScopeSchema.parse({ folder: "/srv/exports/acme-focus" });
 *   FocusExportScopeSchema.parse({ bucket: "acme-billing", prefix: "focus/" });
 */
export const FocusExportScopeSchema = z
  .object({
    folder: AbsolutePath.optional(),
    bucket: BucketName.optional(),
    prefix: Prefix.optional(),
    defaultCurrency: Currency.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.folder === undefined) === (s.bucket === undefined)) {
      ctx.addIssue({ code: "custom", path: ["folder"], message: "give either folder, or bucket (and optionally prefix), not both and not neither" });
    }
    if (s.prefix !== undefined && s.bucket === undefined) ctx.addIssue({ code: "custom", path: ["prefix"], message: "prefix goes with bucket" });
  });
export type FocusExportScope = z.infer<typeof FocusExportScopeSchema>;

/** Reads every export data file of a location as one import unit (adapters/files). */
export interface FocusExportReader {
  readFolder(folder: string, opts: ImportOptions): Promise<FocusImportResult & { files: string[] }>;
}

export interface FocusExportSourceOptions {
  reader: FocusExportReader;
  clock?: Clock;
}

/**
 * A FOCUS export as a nightly source: each page reads the whole folder as one import unit (the
 * `costmon import --format focus --file DIR` path: every .csv, .csv.gz and .parquet under it,
 * rows sharing a record key summed exactly) and keeps the rows dated inside the page. Rows keep
 * the provider their ProviderName gives, so one export may hold several providers; the page then
 * replaces this account's rows of every provider (`replaces`). A file with a rejected row fails
 * the page, not retryable, naming the file, line and column: the export must be fixed first, and
 * nothing of it is written. A bucket is declared but not read yet: its pages fail with a clear
 * reason.
 */
export class FocusExportSource implements BillingSource {
  readonly provider = "other" as const;

  constructor(private readonly opts: FocusExportSourceOptions) {}

  async collect(req: CollectRequest): Promise<CollectResult> {
    const { account, window } = req;
    const scope = accountScope(FocusExportScopeSchema, account, window, "FOCUS export", { namePath: true });
    const { folder, bucket, defaultCurrency } = scope;
    if (folder === undefined) {
      throw new CollectionError(account, window, `reading FOCUS exports from Cloud Storage (gs://${bucket}/${scope.prefix ?? ""}) is not built; copy the export to a folder and use folder=`, { retryable: false });
    }
    const ingestedAt = (this.opts.clock ?? systemClock).now().toISOString();
    let read: FocusImportResult & { files: string[] };
    try {
      read = await this.opts.reader.readFolder(folder, { tenantId: account.tenantId, ingestedAt, source: `focus-export:${account.accountId}`, ...(defaultCurrency ? { defaultCurrency } : {}) });
    } catch (err) {
      // A missing folder or an unreadable header needs the export fixed; a later try reads the same.
      throw new CollectionError(account, window, describeError(err), { cause: err, retryable: false });
    }
    if (read.errors.length > 0) {
      const shown = read.errors.slice(0, 3).map((i) => `${i.file}:${i.line} column ${i.column}: ${i.message}`);
      throw new CollectionError(account, window, `${read.errors.length} rejected row(s); nothing of the export is written: ${shown.join("; ")}${read.errors.length > 3 ? "; …" : ""}`, { retryable: false });
    }
    const records = read.records.filter((r) => r.charge_period_start >= window.start && r.charge_period_start <= window.end);
    return { records, incompleteDays: [], calls: read.files.length, replaces: [...PROVIDERS] };
  }
}
