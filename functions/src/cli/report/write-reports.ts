import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { AppDeps } from "../../deps.js";
import { gatherReportData } from "./report-data.js";
import { renderReportHtml } from "./report-html.js";

export const DEFAULT_TAG_KEY = "team";

/** Writes `DIR/<tenant>.html` for each tenant and returns the files written. */
export async function writeTenantReports(deps: AppDeps, tenantIds: string[], outDir: string, tagKey = DEFAULT_TAG_KEY): Promise<string[]> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const t of tenantIds) {
    const file = join(dir, `${t}.html`);
    await writeFile(file, renderReportHtml(await gatherReportData(deps, t, { tagKey })));
    files.push(file);
  }
  return files;
}
