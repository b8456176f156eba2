import { z } from "zod";
import { PROVIDERS } from "./cost-record.js";
import type { CloudAccountRef } from "./ports.js";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * `tenants/{tenantId}/cloud_accounts/{accountId}`: what the collectors need to know about an
 * account. Credentials never live here, only in the secret store (`cloud-creds/{tenant}/{provider}`).
 */
export const CloudAccountDocSchema = z
  .object({
    provider: z.enum(PROVIDERS),
    displayName: z.string().default(""),
    billingAccountId: z.string(),
    subAccountId: z.string(),
    environment: z.enum(["nonprod", "prod"]),
    scope: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
    status: z.enum(["active", "failing", "disconnected"]).default("active"),
    lastCollectedThrough: isoDate.nullable().default(null),
    lastCollectedAt: z.string().nullable().default(null),
    lastError: z.string().nullable().default(null),
    incompleteDays: z.array(isoDate).default([]),
  })
  .passthrough();

export type CloudAccountDoc = z.infer<typeof CloudAccountDocSchema>;

export const cloudAccountPath = (tenantId: string, accountId: string): string =>
  `tenants/${tenantId}/cloud_accounts/${accountId}`;

export function toAccountRef(tenantId: string, accountId: string, doc: CloudAccountDoc): CloudAccountRef {
  return {
    tenantId,
    accountId,
    provider: doc.provider,
    environment: doc.environment,
    scope: { ...doc.scope, billingAccountId: doc.billingAccountId, subAccountId: doc.subAccountId },
  };
}
