import type { Provider } from "#domain/billing/cost-record.js";
import type { BillingSource, CollectRequest, CollectResult } from "#domain/billing/ports.js";
import type { DemoConfig } from "./demo-config.js";
import { addDays, earlierDay } from "#kernel/days.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { ensureDemoFiles } from "./demo-focus-files.js";
import { importFocusFile } from "../files/import-focus-file.js";

export interface DemoSourceOptions {
  /** The demo tenants file, read on first use. */
  config: () => Promise<DemoConfig>;
  dataDir: string;
  clock: { now(): Date };
}

/**
 * BillingSource for the embedded default: reads the generated FOCUS files of the demo tenants
 * through the real FOCUS importer, so the local run exercises the same parsing as a file upload.
 * The last two days before the run day are reported incomplete, as providers finalize late.
 */
export class DemoBillingSource implements BillingSource {
  constructor(
    readonly provider: Provider,
    private readonly opts: DemoSourceOptions,
  ) {}

  async collect(req: CollectRequest): Promise<CollectResult> {
    const config = await this.opts.config();
    const { dataDir } = this.opts;
    // The simulated run day: nothing on or after it exists yet. Runs name their day; a caller
    // that does not is taken to run on the wall-clock day.
    const runDate = req.runDate ?? this.opts.clock.now().toISOString().slice(0, 10);
    const tenant = config.tenants.find((t) => t.id === req.account.tenantId);
    const account = tenant?.accounts.find((a) => a.id === req.account.accountId);
    if (!tenant || !account) throw new CollectionError(req.account, req.window, "not an account of the demo tenants file", { retryable: false });
    const end = earlierDay(req.window.end, addDays(runDate, -1));
    if (end < req.window.start) return { records: [], incompleteDays: [], calls: 0 };
    const files = await ensureDemoFiles(config, tenant, account, dataDir, { start: req.window.start, end });
    const ingestedAt = this.opts.clock.now().toISOString();
    const records = [];
    for (const file of files) {
      const result = await importFocusFile(file, { tenantId: tenant.id, source: `demo:${account.id}`, ingestedAt });
      if (result.rowsRejected > 0) {
        const first = result.errors[0];
        throw new CollectionError(req.account, req.window, `${result.rowsRejected} bad rows in ${file} (first: line ${first?.line} ${first?.column}: ${first?.message})`, { retryable: false });
      }
      for (const r of result.records) {
        if (r.charge_period_start >= req.window.start && r.charge_period_start <= end) records.push(r);
      }
    }
    const incompleteDays = [addDays(runDate, -2), addDays(runDate, -1)].filter((d) => d >= req.window.start && d <= end);
    return { records, incompleteDays, calls: files.length };
  }
}
