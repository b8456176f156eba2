import { z } from "zod";

/** Lineage passed to the pure mappers (the `import` CLI calls them with this). */
export interface MapContext {
  tenantId: string;
  ingestedAt: string;
  source?: string;
}

export const MapContextSchema = z.object({
  tenantId: z.string().min(1),
  ingestedAt: z.string().min(1),
  source: z.string().min(1).optional(),
});
