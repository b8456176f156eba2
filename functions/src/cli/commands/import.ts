import { resolve } from "node:path";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { addDecimals } from "#domain/billing/money.js";
import { mapAwsCostAndUsage } from "#domain/billing/providers/aws/mapper.js";
import { mapAzureQueryResult } from "#domain/billing/providers/azure/mapper.js";
import { mapGcpExportRows } from "#domain/billing/providers/gcp/mapper.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { TenantIdArg } from "../args.js";
import { readExportRows, readJsonFile } from "../import/json-input.js";
import { parseArg } from "../usage-error.js";

export interface ImportCommandOptions {
  format: "focus" | "gcp-export" | "aws-ce" | "azure-query";
  file: string;
  tenant: string;
  dataDir: string;
  /** Folder with base.yaml and <env>.yaml (F7 config). */
  configDir?: string;
}

interface Loaded {
  records: CostRecord[];
  rowsRead: number;
  issues: { line?: number; column?: string; message: string }[];
}


async function load(opts: ImportCommandOptions, path: string, ctx: { tenantId: string; ingestedAt: string; source: string }): Promise<Loaded> {
  const parsedJson = opts.format === "aws-ce" || opts.format === "azure-query" ? await readJsonFile(path) : undefined;
  switch (opts.format) {
    case "focus": {
      const r = await importFocusFile(path, ctx);
      return { records: r.records, rowsRead: r.rowsRead, issues: r.errors };
    }
    case "gcp-export": {
      const { rows, placeOf } = await readExportRows(path);
      try {
        return { records: mapGcpExportRows(rows, ctx), rowsRead: rows.length, issues: [] };
      } catch (err) {
        // The mapper counts rows from 0; the file's own place of the row is what a reader can find.
        const m = /^export row (\d+): (.*)$/s.exec((err as Error).message);
        throw new Error(m ? `${placeOf(Number(m[1]))}: ${m[2]}` : `${path}: ${(err as Error).message}`);
      }
    }
    case "aws-ce":
      return { records: mapped(path, () => mapAwsCostAndUsage(parsedJson, ctx)), rowsRead: 0, issues: [] };
    case "azure-query":
      return { records: mapped(path, () => mapAzureQueryResult(parsedJson, ctx)), rowsRead: 0, issues: [] };
  }
}

/** A mapper's refusal, prefixed with the file it came from. */
function mapped(path: string, map: () => CostRecord[]): CostRecord[] {
  try {
    return map();
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** `costmon import`: loads a billing file into the tenant's local ledger (idempotent upsert). */
export async function runImportCommand(opts: ImportCommandOptions): Promise<number> {
  const tenantId = parseArg(TenantIdArg, opts.tenant, "--tenant");
  const path = resolve(opts.file);
  const loaded = await load(opts, path, { tenantId, ingestedAt: new Date().toISOString(), source: `import:${opts.format}` });
  for (const i of loaded.issues.slice(0, 50)) {
    process.stderr.write(`rejected: ${path}${i.line ? `:${i.line}` : ""}${i.column ? ` column ${i.column}` : ""}: ${i.message}\n`);
  }
  if (loaded.issues.length > 50) process.stderr.write(`rejected: … and ${loaded.issues.length - 50} more\n`);
  // The ledger is the one deps.ts builds for the local runtime, under the chosen data folder.
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
  try {
    const { warehouse } = await getDeps();
    const stats = await warehouse.upsert(tenantId, loaded.records);
    // Per provider and currency: amounts in different currencies are never added.
    const byProvider: Record<string, Record<string, string>> = {};
    for (const r of loaded.records) {
      const perCurrency = byProvider[r.provider] ?? {};
      byProvider[r.provider] = perCurrency;
      perCurrency[r.billing_currency] = addDecimals([perCurrency[r.billing_currency] ?? "0", r.billed_cost]);
    }
    process.stdout.write(
      `${JSON.stringify({ file: path, format: opts.format, tenant: tenantId, rowsRead: loaded.rowsRead, rowsRejected: loaded.issues.length, records: loaded.records.length, ...stats, billedCostByProvider: byProvider }, null, 2)}\n`,
    );
  } finally {
    await closeDeps();
  }
  return loaded.issues.length > 0 ? 1 : 0;
}
