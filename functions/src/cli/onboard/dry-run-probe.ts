import { stat } from "node:fs/promises";
import { createOpenCostApi, OpenCostSecretSchema } from "#adapters/billing/opencost-client.js";
import type { RetrySettings } from "#adapters/billing/retry-settings.js";
import { createVultrApi, VultrSecretSchema } from "#adapters/billing/vultr-client.js";
import { resolveUnitFiles } from "#adapters/files/import-unit-files.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { FocusExportScopeSchema } from "#domain/billing/providers/focus/export-source.js";
import { OpenCostAllocationSource } from "#domain/billing/providers/opencost/source.js";
import { VULTR_PER_PAGE } from "#domain/billing/providers/vultr/source.js";
import { InvoicesPageSchema } from "#domain/billing/providers/vultr/vultr-response.js";
import type { AccountTemplate } from "#domain/onboarding/account-templates.js";
import { addDays } from "#kernel/days.js";

/**
 * The one cheap read a dry run makes for the templates whose source is not a billing API with a
 * request builder: a FOCUS export folder is listed (files and bytes the nightly will read), an
 * OpenCost cluster answers the day before the run through the source itself (/allocation, and
 * /cloudCost when the bill is split), and a Vultr key reads the first page of billing/invoices.
 * Nothing is written. A failed probe is returned, not thrown, with its reason.
 */
export type ProbeResult = { ok: true; read: string; [k: string]: unknown } | { ok: false; reason: string };

export interface ProbeOptions {
  template: AccountTemplate;
  scope: Record<string, unknown>;
  /** The credentials file's object, already checked against the template's secret schema. */
  credentials: Record<string, string> | undefined;
  runDate: string;
  retry: RetrySettings;
  vultrEndpoint: string;
  tenantId: string;
  accountId: string;
}

/** The templates with a probe: what it needs to run. */
export function probeNeeds(template: AccountTemplate): "none" | "credentials" | null {
  if (template.name === "focus") return "none";
  if (template.name === "opencost" || template.name === "vultr") return "credentials";
  return null;
}

const failure = (err: unknown): ProbeResult => ({ ok: false, reason: err instanceof Error ? err.message : String(err) });

async function focusProbe(scope: Record<string, unknown>): Promise<ProbeResult> {
  const s = FocusExportScopeSchema.parse(scope);
  if (s.folder === undefined) return { ok: false, reason: `reading FOCUS exports from Cloud Storage (gs://${s.bucket}/${s.prefix ?? ""}) is not built; the nightly would fail this account's pages` };
  try {
    const unit = await resolveUnitFiles([s.folder]);
    let bytes = 0;
    for (const file of unit.files) bytes += (await stat(file)).size;
    return { ok: true, read: `listed ${s.folder}`, files: unit.files.length, bytes };
  } catch (err) {
    return failure(err);
  }
}

/**
 * Runs the template's probe, or returns null for templates without one.
 *
 * @example
 *   const probe = await runProbe({ template, scope, credentials, runDate: "2026-12-05", retry, vultrEndpoint: "", tenantId: "acme", accountId: "k8s" });
 */
export async function runProbe(o: ProbeOptions): Promise<ProbeResult | null> {
  if (o.template.name === "focus") return focusProbe(o.scope);
  if (o.template.name === "opencost") {
    const secret = OpenCostSecretSchema.parse(o.credentials);
    const api = createOpenCostApi(secret, { retry: o.retry });
    const account: CloudAccountRef = { tenantId: o.tenantId, accountId: o.accountId, provider: "other", scope: o.scope as CloudAccountRef["scope"], environment: "prod" };
    const day = addDays(o.runDate, -1);
    try {
      const r = await new OpenCostAllocationSource({ clientFor: async () => api }).collect({ account, window: { start: day, end: day }, runDate: o.runDate });
      return { ok: true, read: `GET /allocation for ${day}`, day, records: r.records.length, calls: r.calls };
    } catch (err) {
      return failure(err);
    }
  }
  if (o.template.name === "vultr") {
    const secret = VultrSecretSchema.parse(o.credentials);
    const api = createVultrApi(secret.apiKey, { retry: o.retry, endpoint: o.vultrEndpoint });
    try {
      const page = InvoicesPageSchema.parse(await api.get("billing/invoices", { per_page: String(VULTR_PER_PAGE) }));
      return { ok: true, read: "GET billing/invoices (first page)", invoices: page.billing_invoices.length, morePages: Boolean(page.meta?.links.next), calls: api.calls() };
    } catch (err) {
      return failure(err);
    }
  }
  return null;
}
