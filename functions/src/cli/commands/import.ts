import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { addDecimals } from "#domain/billing/money.js";
import { mapAwsCostAndUsage } from "#domain/billing/providers/aws/mapper.js";
import { mapAzureQueryResult } from "#domain/billing/providers/azure/mapper.js";
import { mapGcpExportRows } from "#domain/billing/providers/gcp/mapper.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";

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

const TenantId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "tenant ids are lower-case letters, digits and dashes");

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** BigQuery export rows as a JSON array or newline-delimited JSON (what `bq query --format=json` and exports write). */
async function readRows(path: string): Promise<unknown[]> {
  const text = (await readFile(path, "utf8")).trim();
  if (text.startsWith("[")) return (await readJson(path)) as unknown[];
  return text.split("\n").filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as unknown;
    } catch {
      throw new Error(`${path}:${i + 1}: not a JSON row`);
    }
  });
}

async function load(opts: ImportCommandOptions, path: string, ctx: { tenantId: string; ingestedAt: string; source: string }): Promise<Loaded> {
  switch (opts.format) {
    case "focus": {
      const r = await importFocusFile(path, ctx);
      return { records: r.records, rowsRead: r.rowsRead, issues: r.errors };
    }
    case "gcp-export": {
      const rows = await readRows(path);
      return { records: mapGcpExportRows(rows, ctx), rowsRead: rows.length, issues: [] };
    }
    case "aws-ce":
      return { records: mapAwsCostAndUsage(await readJson(path), ctx), rowsRead: 0, issues: [] };
    case "azure-query":
      return { records: mapAzureQueryResult(await readJson(path), ctx), rowsRead: 0, issues: [] };
  }
}

/** `costmon import`: loads a billing file into the tenant's local ledger (idempotent upsert). */
export async function runImportCommand(opts: ImportCommandOptions): Promise<number> {
  const tenantId = TenantId.parse(opts.tenant);
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
    const byProvider = new Map<string, string[]>();
    for (const r of loaded.records) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r.billed_cost]);
    const totals = Object.fromEntries([...byProvider].map(([p, v]) => [p, addDecimals(v)]));
    process.stdout.write(
      `${JSON.stringify({ file: path, format: opts.format, tenant: tenantId, rowsRead: loaded.rowsRead, rowsRejected: loaded.issues.length, records: loaded.records.length, ...stats, billedCostByProvider: totals }, null, 2)}\n`,
    );
  } finally {
    await closeDeps();
  }
  return loaded.issues.length > 0 ? 1 : 0;
}
