import { statSync } from "node:fs";
import { resolve } from "node:path";
import { importFocusFiles } from "#adapters/files/import-focus-file.js";
import { resolveUnitFiles, type UnitManifest } from "#adapters/files/import-unit-files.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { replaceUnit, sumByRecordKey, unitWindow } from "#domain/billing/imports/import-unit.js";
import { addDecimals } from "#domain/billing/money.js";
import { mapAwsCostAndUsage } from "#domain/billing/providers/aws/mapper.js";
import { mapAzureQueryResult } from "#domain/billing/providers/azure/mapper.js";
import { mapGcpExportRows } from "#domain/billing/providers/gcp/mapper.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { TenantIdArg } from "../args.js";
import { readExportRows, readJsonFile } from "../import/json-input.js";
import { parseArg, UsageError } from "../usage-error.js";

export interface ImportCommandOptions {
  format: "focus" | "gcp-export" | "aws-ce" | "azure-query";
  /** The unit's files: files, folders or manifests (folders and manifests for --format focus). */
  file: string[];
  tenant: string;
  dataDir: string;
  /** Folder with base.yaml and <env>.yaml (F7 config). */
  configDir?: string;
}

interface Loaded {
  records: CostRecord[];
  rowsRead: number;
  issues: { file: string; line?: number; column?: string; message: string }[];
}

type Ctx = { tenantId: string; ingestedAt: string; source: string };

/** One file of a JSON format (gcp-export, aws-ce, azure-query). */
async function loadJsonFile(format: Exclude<ImportCommandOptions["format"], "focus">, path: string, ctx: Ctx): Promise<Loaded> {
  const parsedJson = format === "aws-ce" || format === "azure-query" ? await readJsonFile(path) : undefined;
  switch (format) {
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

/**
 * The unit's records: FOCUS files go through one aggregator; JSON files are mapped one by one
 * and their records summed by record_key, so a record split over two files keeps its whole cost.
 */
async function load(opts: ImportCommandOptions, ctx: Ctx): Promise<Loaded & { files: string[]; manifests: UnitManifest[] }> {
  if (opts.format === "focus") {
    const unit = await resolveUnitFiles(opts.file);
    const r = await importFocusFiles(unit.files, ctx);
    return { records: r.records, rowsRead: r.rowsRead, issues: r.errors, ...unit };
  }
  const files = opts.file.map((f) => resolve(f));
  for (const f of files) {
    if (statSync(f).isDirectory()) throw new UsageError(`--file ${f} is a folder: folders and manifests are read for --format focus; name the ${opts.format} files one by one`);
  }
  const parts: Loaded[] = [];
  for (const f of files) parts.push(await loadJsonFile(opts.format, f, ctx));
  return {
    records: sumByRecordKey(parts.flatMap((p) => p.records)),
    rowsRead: parts.reduce((n, p) => n + p.rowsRead, 0),
    issues: parts.flatMap((p) => p.issues),
    files,
    manifests: [],
  };
}

/** A mapper's refusal, prefixed with the file it came from. */
function mapped(path: string, map: () => CostRecord[]): CostRecord[] {
  try {
    return map();
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/**
 * `costmon import`: loads the files of one import unit into the tenant's local ledger. The unit
 * replaces the ledger's rows of the same source inside the unit's window (first to last charge
 * day): a restated export replaces the earlier one, and importing the same unit again changes
 * nothing.
 */
export async function runImportCommand(opts: ImportCommandOptions): Promise<number> {
  const tenantId = parseArg(TenantIdArg, opts.tenant, "--tenant");
  const source = `import:${opts.format}`;
  const loaded = await load(opts, { tenantId, ingestedAt: new Date().toISOString(), source });
  for (const i of loaded.issues.slice(0, 50)) {
    process.stderr.write(`rejected: ${i.file}${i.line ? `:${i.line}` : ""}${i.column ? ` column ${i.column}` : ""}: ${i.message}\n`);
  }
  if (loaded.issues.length > 50) process.stderr.write(`rejected: … and ${loaded.issues.length - 50} more\n`);
  // The ledger is the one deps.ts builds for the local runtime, under the chosen data folder.
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
  try {
    const { warehouse } = await getDeps();
    // A unit with rejected rows is incomplete: it may not delete what its rejected rows would hold,
    // so it is upserted; importing it again once fixed replaces as usual.
    const partial = loaded.issues.length > 0;
    const { window, ...stats } = partial
      ? { window: unitWindow(loaded.records), ...(await warehouse.upsert(tenantId, loaded.records)) }
      : await replaceUnit(warehouse, tenantId, source, loaded.records);
    if (partial) process.stderr.write("note: rows were rejected, so the unit was added without replacing earlier rows; fix the rows and import the unit again to replace\n");
    if (stats.deleted > 0 && window) {
      // Right for a restated export; wrong when the rows removed were another part of the same one.
      process.stderr.write(
        `warning: this unit replaced ${stats.deleted} records that earlier ${source} imports held for its billing accounts in ${window.start}..${window.end}. That is right for a restated export; if they were other parts of the same export, import all its parts in one command (several --file, their folder or the manifest)\n`,
      );
    }
    // Per provider and currency: amounts in different currencies are never added.
    const byProvider: Record<string, Record<string, string>> = {};
    for (const r of loaded.records) {
      const perCurrency = byProvider[r.provider] ?? {};
      byProvider[r.provider] = perCurrency;
      perCurrency[r.billing_currency] = addDecimals([perCurrency[r.billing_currency] ?? "0", r.billed_cost]);
    }
    const summary = {
      files: loaded.files,
      ...(loaded.manifests.length ? { manifests: loaded.manifests } : {}),
      format: opts.format,
      tenant: tenantId,
      source,
      window,
      rowsRead: loaded.rowsRead,
      rowsRejected: loaded.issues.length,
      records: loaded.records.length,
      ...stats,
      billedCostByProvider: byProvider,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await closeDeps();
  }
  return loaded.issues.length > 0 ? 1 : 0;
}
