import { z } from "zod";
import { PROVIDERS } from "./cost-record.js";
import type { CloudAccountRef } from "./ports.js";
import { IsoDate } from "#kernel/days.js";

/**
 * `tenants/{tenantId}/cloud_accounts/{accountId}`: what the collectors need to know about an
 * account. Credentials never live here, only in the secret store, one secret per account
 * (`cloud-creds/{tenant}/{account}`, named by the document's `secretRef`).
 */
export const COLLECTORS = ["provider", "demo"] as const;
export type Collector = (typeof COLLECTORS)[number];

export const CloudAccountDocSchema = z
  .object({
    provider: z.enum(PROVIDERS),
    displayName: z.string().default(""),
    billingAccountId: z.string(),
    subAccountId: z.string(),
    environment: z.enum(["nonprod", "prod"]),
    scope: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
    status: z.enum(["active", "failing", "disconnected"]).default("active"),
    lastCollectedThrough: IsoDate.nullable().default(null),
    lastCollectedAt: z.string().nullable().default(null),
    lastError: z.string().nullable().default(null),
    incompleteDays: z.array(IsoDate).default([]),
    /**
     * Who collects it: `provider`, the provider's billing API with the tenant's credentials, or
     * `demo`, generated history (the local runtime's demo tenants only).
     */
    collector: z.enum(COLLECTORS).default("provider"),
    /** The account template it was connected with (domain/onboarding); some pick the source (OpenCost, Vultr, FOCUS export). */
    template: z.string().max(64).optional(),
  })
  .passthrough();

export type CloudAccountDoc = z.infer<typeof CloudAccountDocSchema>;

export function toAccountRef(tenantId: string, accountId: string, doc: CloudAccountDoc): CloudAccountRef {
  return {
    tenantId,
    accountId,
    provider: doc.provider,
    environment: doc.environment,
    scope: { ...doc.scope, billingAccountId: doc.billingAccountId, subAccountId: doc.subAccountId },
  };
}
