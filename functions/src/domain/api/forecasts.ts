import { z } from "zod";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { getTenantDoc } from "./documents.js";
import { paths } from "#kernel/document-paths.js";

/** `tenants/{t}/forecasts/{seriesKey}` as the forecast stage writes it; "total" is the tenant total. */
export const GetForecastInput = z.strictObject({
  // "@" ends the key of a series in one of several currencies ("total@EUR", docs/ledger.md).
  seriesKey: z.string().regex(/^[A-Za-z0-9_.:=~|,@-]{1,500}$/, "invalid series key").default("total"),
});

export async function getForecast(store: DocumentStore, tenantId: string, q: z.output<typeof GetForecastInput>) {
  return getTenantDoc<DocumentData>(store, paths.forecast(tenantId, q.seriesKey), q.seriesKey, "forecast");
}
