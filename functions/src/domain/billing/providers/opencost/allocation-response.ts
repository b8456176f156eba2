import { z } from "zod";

/**
 * The OpenCost `/allocation` answer (OpenCost API reference, "Allocation API"; example output in
 * the opencost-website repository, static/allocation-example-output.json):
 * `{ code, data: [ { [key]: Allocation } per step ] }`. OpenCost rounds floats to 5 decimals and
 * writes NaN as null, so every cost is a number or null. Only the fields the ledger reads are
 * checked; the others (byte counts, efficiencies, breakdowns) pass through unread.
 */

/** Bounds on what one answer may hold, so a runaway cluster cannot exhaust memory. */
export const ALLOCATION_LIMITS = { maxSteps: 400, maxPerStep: 100_000, maxText: 512, maxLabels: 200 } as const;

const Text = z.string().max(ALLOCATION_LIMITS.maxText);
/** A cost: finite, bounded, or null where OpenCost had NaN (null is kept, never read as 0). */
const Cost = z.number().finite().min(-1e12).max(1e12).nullable().optional();
const Labels = z
  .record(Text, Text)
  .refine((r) => Object.keys(r).length <= ALLOCATION_LIMITS.maxLabels, { message: `at most ${ALLOCATION_LIMITS.maxLabels} labels` })
  .nullable()
  .optional();

export const AllocationProperties = z
  .object({
    cluster: Text.optional(),
    node: Text.optional(),
    namespace: Text.optional(),
    controllerKind: Text.optional(),
    controller: Text.optional(),
    pod: Text.optional(),
    container: Text.optional(),
    providerID: Text.optional(),
    labels: Labels,
  })
  .passthrough();

export const AllocationSchema = z
  .object({
    name: Text,
    properties: AllocationProperties.nullable().optional(),
    window: z.object({ start: z.string().datetime({ offset: true }), end: z.string().datetime({ offset: true }) }),
    cpuCost: Cost,
    gpuCost: Cost,
    ramCost: Cost,
    pvCost: Cost,
    networkCost: Cost,
    loadBalancerCost: Cost,
    sharedCost: Cost,
    externalCost: Cost,
    totalCost: Cost,
  })
  .passthrough();
export type Allocation = z.infer<typeof AllocationSchema>;

export const AllocationResponseSchema = z.object({
  code: z.number().int(),
  message: z.string().max(4096).optional(),
  data: z
    .array(
      z
        .record(Text, AllocationSchema)
        .refine((step) => Object.keys(step).length <= ALLOCATION_LIMITS.maxPerStep, { message: `at most ${ALLOCATION_LIMITS.maxPerStep} allocations per step` })
        .nullable(),
    )
    .max(ALLOCATION_LIMITS.maxSteps)
    .nullable(),
});
export type AllocationResponse = z.infer<typeof AllocationResponseSchema>;

/** OpenCost's key for the cluster's unallocated capacity (`__idle__`, or `<cluster>/__idle__` when aggregated by cluster). */
export const isIdleKey = (key: string): boolean => key === "__idle__" || key.endsWith("/__idle__");
