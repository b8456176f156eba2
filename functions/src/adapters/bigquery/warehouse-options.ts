import type { AuthClient } from "google-auth-library";
import { z } from "zod";
import { ConfigError } from "#foundation/config/config-error.js";
import type { JobSettings } from "./bigquery-jobs.js";
import { DatasetId, ProjectId } from "./bigquery-names.js";
import { DATASETS, type DatasetRole } from "./table-schemas.js";

/**
 * What the composition root passes to {@link BigQueryCostWarehouse.create}; checked once, when
 * the warehouse is built, so a bad config fails the cold start and not the first nightly.
 *
 * @example
 *   const options: BigQueryWarehouseOptions = {
 *     projectId: "costmon-prod",
 *     location: "EU",
 *     retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 },
 *   };
 */
export interface BigQueryWarehouseOptions {
  /** Project that holds the datasets and runs (and pays for) the jobs. */
  projectId: string;
  /** Location of the datasets ("EU", "US", "europe-west1"); jobs run there. */
  location?: string;
  /** Dataset ids by role, where a deployment renames them (e.g. per environment). */
  datasets?: Partial<Record<DatasetRole, string>>;
  /** `http://127.0.0.1:PORT` in tests; the public endpoint when absent. */
  apiEndpoint?: string;
  /** A preset-token OAuth2Client in tests; Application Default Credentials when absent. */
  authClient?: AuthClient;
  /** Tries per HTTP call and per job, the first included, and the backoff between them. */
  retry?: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** Cut-off for one HTTP call (default 60 s). */
  callTimeoutMs?: number;
  /** BigQuery cancels a job running longer (default 10 min). */
  jobTimeoutMs?: number;
  /** First and longest wait between polls of a running job (default 250 ms and 5 s). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Rows per result page (default 10,000). */
  pageSize?: number;
  /** Largest NDJSON upload of one load job (default 8 MiB); a bigger batch is loaded in several. */
  loadChunkBytes?: number;
  /** Labels on every job, for billing reports (default {app: "costmon"}). */
  labels?: Record<string, string>;
}

const Ms = z.number().int().min(0);
const LabelKey = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/);
const LabelValue = z.string().regex(/^[a-z0-9_-]{0,63}$/);

const OptionsSchema = z.strictObject({
  projectId: ProjectId,
  location: z.string().regex(/^[A-Za-z0-9-]{2,40}$/).optional(),
  datasets: z.partialRecord(z.enum(["cost_analytics", "llm_usage", "audit_logs", "staging"]), DatasetId).optional(),
  apiEndpoint: z.url().optional(),
  authClient: z.unknown().optional(),
  retry: z
    .strictObject({ maxAttempts: z.number().int().min(1).max(20), baseDelayMs: Ms, maxDelayMs: Ms })
    .refine((r) => r.maxDelayMs >= r.baseDelayMs, "maxDelayMs must be >= baseDelayMs")
    .optional(),
  callTimeoutMs: Ms.min(1).optional(),
  jobTimeoutMs: Ms.min(1000).optional(),
  pollInitialMs: Ms.optional(),
  pollMaxMs: Ms.optional(),
  pageSize: z.number().int().min(1).max(100_000).optional(),
  loadChunkBytes: z.number().int().min(1).max(100 * 1024 * 1024).optional(),
  labels: z.record(LabelKey, LabelValue).optional(),
});

export interface ResolvedOptions {
  projectId: string;
  location: string | undefined;
  datasets: Record<DatasetRole, string>;
  apiEndpoint: string | undefined;
  authClient: AuthClient | undefined;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  callTimeoutMs: number;
  jobTimeoutMs: number;
  pollInitialMs: number;
  pollMaxMs: number;
  pageSize: number;
  loadChunkBytes: number;
  labels: Record<string, string>;
}

const DEFAULT_DATASETS = Object.fromEntries(DATASETS.map((d) => [d.role, d.id])) as Record<DatasetRole, string>;

export function resolveOptions(options: BigQueryWarehouseOptions): ResolvedOptions {
  const r = OptionsSchema.safeParse(options);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `bigquery warehouse ${i.path.join(".") || "options"}: ${i.message}`));
  const o = r.data;
  const retry = o.retry ?? { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 };
  return {
    projectId: o.projectId,
    location: o.location,
    datasets: { ...DEFAULT_DATASETS, ...o.datasets },
    apiEndpoint: o.apiEndpoint,
    authClient: options.authClient,
    ...retry,
    callTimeoutMs: o.callTimeoutMs ?? 60_000,
    jobTimeoutMs: o.jobTimeoutMs ?? 600_000,
    pollInitialMs: o.pollInitialMs ?? 250,
    pollMaxMs: Math.max(o.pollMaxMs ?? 5_000, o.pollInitialMs ?? 0),
    pageSize: o.pageSize ?? 10_000,
    loadChunkBytes: o.loadChunkBytes ?? 8 * 1024 * 1024,
    labels: o.labels ?? { app: "costmon" },
  };
}

/** What BigQueryJobs takes, from resolved options: the same for every adapter built on them. */
export function jobSettings(o: ResolvedOptions): JobSettings {
  return {
    ...(o.location ? { location: o.location } : {}),
    maxAttempts: o.maxAttempts,
    baseDelayMs: o.baseDelayMs,
    maxDelayMs: o.maxDelayMs,
    callTimeoutMs: o.callTimeoutMs,
    jobTimeoutMs: o.jobTimeoutMs,
    pollInitialMs: o.pollInitialMs,
    pollMaxMs: o.pollMaxMs,
    pageSize: o.pageSize,
    labels: o.labels,
  };
}
