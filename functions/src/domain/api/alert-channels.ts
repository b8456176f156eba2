import { z } from "zod";
import { AlertChannelConfigSchema, ChannelIdSchema, type ChannelKind, RoutingRuleSchema } from "../alerts/channel-config.js";
import type { AlertChannel, ChannelTestMessage } from "../alerts/channel-port.js";
import { paths } from "#kernel/document-paths.js";
import { redactText } from "#kernel/redact.js";
import type { DocumentStore, SecretStore } from "#kernel/ports.js";
import { AppError, notFound } from "#kernel/errors.js";
import { DocId } from "./documents.js";

/**
 * Alert channels at `tenants/{t}/alert_channels/{id}` (alerts/channel-config.ts). The Slack webhook
 * URL or PagerDuty routing key goes to the SecretStore under `alert-secrets/{t}/{id}`; the document
 * keeps only that reference. A test goes through the same channel adapter the dispatcher uses.
 */

export const UpsertAlertChannelInput = z
  .strictObject({
    // The stored config's own id rule (no '.' or '~'), so that what is accepted can be stored.
    id: ChannelIdSchema,
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
const docPath = paths.alertChannel;

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

export interface ChannelTestDeps {
  store: DocumentStore;
  secrets: SecretStore;
  channels: Partial<Record<ChannelKind, AlertChannel>>;
  now: Date;
  dashboardUrl: string;
}

/**
 * Sends a test message through the channel's real adapter: a Slack message, or a PagerDuty alert
 * that is resolved at once. The answer says whether the channel took it; a failure's reason never
 * holds the secret.
 */
export async function testAlertChannel(deps: ChannelTestDeps, tenantId: string, id: string) {
  const raw = await deps.store.get(paths.alertChannel(tenantId, id));
  if (!raw) throw notFound(`alert channel ${id}`);
  const config = AlertChannelConfigSchema.parse(raw);
  const secret = config.secretRef ? await deps.secrets.get(config.secretRef) : null;
  if (config.secretRef && secret === null) throw new AppError("failed-precondition", "the channel's secret is missing; save the channel again");
  const adapter = deps.channels[config.kind];
  if (!adapter) throw new AppError("failed-precondition", `no ${config.kind} channel is configured on this platform`);
  const message: ChannelTestMessage = { kind: "test", tenantId, channelId: id, sentAt: deps.now.toISOString(), dashboardUrl: deps.dashboardUrl };
  const result = await adapter.send(message, { secret, config });
  if (result.ok) return { id, ok: true, ...(result.status ? { status: result.status } : {}) };
  return { id, ok: false, ...(result.status ? { status: result.status } : {}), reason: redactText(result.reason, [secret]) };
}
