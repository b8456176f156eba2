import { z } from "zod";
import { AlertEventSchema, type AlertEvent, type Transition } from "./alert-event.js";
import type { AlertChannelConfig, ChannelKind } from "./channel-config.js";
import { AlertDigestSchema, type AlertDigest } from "./digest.js";

/**
 * The AlertChannel port (DESIGN.md §5): Slack webhook, PagerDuty Events v2, console.
 * Adapters turn a message into their wire format and report the outcome; they never throw for
 * an HTTP failure and never put the secret (webhook URL, routing key) in a reason.
 */

/** A message asking the channel to prove it works (testAlertChannel); never queued or retried. */
export interface ChannelTestMessage {
  kind: "test";
  tenantId: string;
  channelId: string;
  /** When the test was asked for (ISO 8601). */
  sentAt: string;
  dashboardUrl: string;
}

export type ChannelMessage =
  | { kind: "alert"; transition: Transition; event: AlertEvent }
  | { kind: "digest"; digest: AlertDigest }
  | ChannelTestMessage;

/** The messages an outbox record may hold: alerts and digests (tests are sent at once, never stored). */
export const ChannelMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("alert"), transition: z.enum(["trigger", "acknowledge", "resolve"]), event: AlertEventSchema }),
  z.object({ kind: z.literal("digest"), digest: AlertDigestSchema }),
]);
/** An alert or digest as the outbox keeps it. */
export type QueuedMessage = Exclude<ChannelMessage, ChannelTestMessage>;

export type SendResult =
  | { ok: true; status?: number; detail?: string }
  | {
      ok: false;
      /** true: try again later (429, 5xx, network); false: the request itself is wrong (400, 404, 410). */
      retryable: boolean;
      status?: number;
      reason: string;
    };

export interface SendContext {
  /** The resolved secret (webhook URL / routing key), or null for channels that need none. */
  secret: string | null;
  config: AlertChannelConfig;
}

export interface AlertChannel {
  readonly kind: ChannelKind;
  /** Whether this channel handles the message at all (Slack ignores acknowledgements, PagerDuty digests). */
  supports(message: ChannelMessage): boolean;
  send(message: ChannelMessage, ctx: SendContext): Promise<SendResult>;
}

/** Structured logger the alert code writes to (F3's JSON logger fits it). */
export interface AlertLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
