import { z } from "zod";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { getTenantDoc } from "./documents.js";
import { paths } from "#kernel/document-paths.js";

/** `tenants/{t}/forecasts/{seriesKey}` as the forecast stage writes it; "tenant" is the total. */
export const GetForecastInput = z.strictObject({
  seriesKey: z.string().regex(/^[A-Za-z0-9_.:=~|,-]{1,500}$/, "invalid series key").default("tenant"),
});

export async function getForecast(store: DocumentStore, tenantId: string, q: z.output<typeof GetForecastInput>) {
  return getTenantDoc<DocumentData>(store, paths.forecast(tenantId, q.seriesKey), q.seriesKey, "forecast");
}
