import { z } from "zod";
import { MoneyString } from "../billing/money.js";
import { ALERT_EVENT_TYPES, CurrencyCodeSchema, DirectionSchema, SeveritySchema } from "./alert-event.js";

/**
 * A tenant's alert channel, stored at `tenants/{tenantId}/alert_channels/{id}` (DESIGN.md §4).
 * It holds a secret *reference* only: the Slack webhook URL or PagerDuty routing key lives in the
 * SecretStore under `secretRef` and is read at send time, never stored here nor logged.
 */

export const CHANNEL_KINDS = ["slack", "pagerduty", "console"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time of day as HH:MM (24h)");

const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Europe/Paris" },
);

/**
 * A rule stored or sent while the minimum impact was one dollar amount (`minImpactUsd`) reads as
 * that amount in USD. A rule that has `minImpact` keeps it.
 */
function upgradeLegacyRule(input: unknown): unknown {
  if (typeof input !== "object" || input === null || !("minImpactUsd" in input)) return input;
  const { minImpactUsd, ...rest } = input as Record<string, unknown>;
  return "minImpact" in rest ? rest : { ...rest, minImpact: { USD: minImpactUsd } };
}

/** An event matches a rule when it passes every condition the rule sets. */
export const RoutingRuleSchema = z.preprocess(
  upgradeLegacyRule,
  z
    .object({
      /** Lowest severity that matches: "high" matches critical and high. */
      minSeverity: SeveritySchema.optional(),
      /**
       * Least impact per currency, e.g. `{USD: "5000", EUR: "4500"}`: an event matches when its
       * currency is listed and its impact reaches that amount. Amounts in two currencies are never
       * compared, so an event in a currency the rule does not list does not match it.
       */
      minImpact: z
        .record(CurrencyCodeSchema, MoneyString)
        .refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= 50, "minImpact lists 1 to 50 currencies")
        .optional(),
      providers: z.array(z.string().min(1)).min(1).optional(),
      eventTypes: z.array(z.enum(ALERT_EVENT_TYPES)).min(1).optional(),
      /**
       * Anomaly directions that match ("increase": spend above expected, "decrease": below). Events
       * without a direction (budgets, collection failures) are not filtered by it. PagerDuty
       * channels get decreases only through a rule that lists "decrease" here (routing.ts).
       */
      directions: z.array(DirectionSchema).min(1).optional(),
    })
    .strict(),
);
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;

export const QuietHoursSchema = z
  .object({
    start: HHMM,
    end: HHMM,
    /** The tenant's time zone; quiet hours are local wall-clock times. */
    timezone: TimeZone,
    /** Severities that still go out during quiet hours. */
    bypassSeverities: z.array(SeveritySchema).default(["critical"]),
  })
  .strict();
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** A channel's id: one path segment and one secret-name segment (`alert-secrets/{t}/{id}`). */
export const ChannelIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "invalid id: letters, digits, '_' and '-' only");

export const AlertChannelConfigSchema = z
  .object({
    id: ChannelIdSchema,
    tenantId: z.string().min(1),
    kind: z.enum(CHANNEL_KINDS),
    name: z.string().min(1).max(200).optional(),
    enabled: z.boolean().default(true),
    /** SecretStore name of the webhook URL (slack) or routing key (pagerduty). */
    secretRef: z.string().min(1).max(255).optional(),
    /** The event routes to this channel when ANY rule matches; no rules means every event. */
    rules: z.array(RoutingRuleSchema).default([]),
    quietHours: QuietHoursSchema.optional(),
    digest: z.object({ daily: z.boolean().default(false), weekly: z.boolean().default(false) }).strict().optional(),
  })
  .strict()
  .refine((c) => c.kind === "console" || c.secretRef !== undefined, {
    message: "slack and pagerduty channels need a secretRef",
    path: ["secretRef"],
  });
export type AlertChannelConfig = z.infer<typeof AlertChannelConfigSchema>;
export type AlertChannelConfigInput = z.input<typeof AlertChannelConfigSchema>;

export function parseChannelConfig(input: unknown): AlertChannelConfig {
  const r = AlertChannelConfigSchema.safeParse(input);
  if (!r.success) throw new TypeError(`invalid alert channel config: ${z.prettifyError(r.error)}`);
  return r.data;
}


