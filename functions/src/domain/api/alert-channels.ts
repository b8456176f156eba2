import { z } from "zod";
import { AlertChannelConfigSchema, type AlertChannelConfig, RoutingRuleSchema } from "../alerts/channel-config.js";
import type { DocumentStore, SecretStore } from "#kernel/ports.js";
import { AppError } from "#kernel/errors.js";
import { DocId } from "./documents.js";

/**
 * Alert channels at `tenants/{t}/alert_channels/{id}` (alerts/channel-config.ts). The Slack webhook
 * URL or PagerDuty routing key goes to the SecretStore under `alert-secrets/{t}/{id}`; the document
 * keeps only that reference. Sending belongs to the alerts module, reached through {@link ChannelTester}.
 */
export interface ChannelTestResult {
  ok: boolean;
  status?: number;
  reason?: string;
}

/** Sends one test message through a channel (the alerts helper provides Slack/PagerDuty/console). */
export type ChannelTester = (config: AlertChannelConfig, secret: string | null) => Promise<ChannelTestResult>;

export const UpsertAlertChannelInput = z
  .strictObject({
    id: DocId,
    kind: z.enum(["slack", "pagerduty", "console"]),
    name: z.string().min(1).max(200).optional(),
    enabled: z.boolean().default(true),
    /** Webhook URL (slack) or routing key (pagerduty); omitted on update keeps the stored one. */
    secret: z.string().min(8).max(2048).optional(),
    rules: z.array(RoutingRuleSchema).max(20).default([]),
  })
  .refine((c) => c.kind !== "slack" || c.secret === undefined || /^https:\/\/hooks\.slack\.com\/services\/[\w/-]+$/.test(c.secret), {
    message: "a Slack secret must be an https://hooks.slack.com/services/... webhook URL",
    path: ["secret"],
  })
  .refine((c) => c.kind !== "pagerduty" || c.secret === undefined || /^[A-Za-z0-9]{32}$/.test(c.secret), {
    message: "a PagerDuty routing key is 32 letters and digits",
    path: ["secret"],
  });
export const TestAlertChannelInput = z.strictObject({ id: DocId });

const secretName = (tenantId: string, id: string) => `alert-secrets/${tenantId}/${id}`;
const docPath = (tenantId: string, id: string) => `tenants/${tenantId}/alert_channels/${id}`;

export async function upsertAlertChannel(store: DocumentStore, secrets: SecretStore, tenantId: string, input: z.output<typeof UpsertAlertChannelInput>) {
  const { secret, ...rest } = input;
  const existing = await store.get(docPath(tenantId, input.id));
  const needsSecret = input.kind !== "console";
  if (needsSecret && secret === undefined && !existing?.secretRef) {
    throw new AppError("invalid-argument", `a ${input.kind} channel needs its secret`, { details: { issues: [{ path: "secret", message: "required" }] } });
  }
  if (secret !== undefined) await secrets.put(secretName(tenantId, input.id), secret);
  const config = AlertChannelConfigSchema.parse({
    ...rest,
    tenantId,
    ...(needsSecret ? { secretRef: secretName(tenantId, input.id) } : {}),
  });
  await store.set(docPath(tenantId, input.id), config);
  return config;
}

export async function testAlertChannel(store: DocumentStore, secrets: SecretStore, tester: ChannelTester, tenantId: string, id: string) {
  const raw = await store.get(docPath(tenantId, id));
  if (!raw) throw new AppError("not-found", `alert channel ${id} not found`);
  const config = AlertChannelConfigSchema.parse(raw);
  const secret = config.secretRef ? await secrets.get(config.secretRef) : null;
  if (config.secretRef && secret === null) throw new AppError("failed-precondition", "the channel's secret is missing; save the channel again");
  const result = await tester(config, secret);
  return { id, ok: result.ok, ...(result.status ? { status: result.status } : {}), ...(result.reason ? { reason: result.reason } : {}) };
}
