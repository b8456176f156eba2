import { z } from "zod";
import { type SlackWebhookPayload, slackLimitViolations } from "#adapters/slack/slack-limits.js";

/**
 * Structural check of an incoming-webhook payload, as the Slack receiver applies it. Slack publishes
 * no machine-readable Block Kit schema (see ../shared/data/slack-webhook-blockkit/SOURCE.txt), so
 * this follows the Block Kit reference for the blocks a webhook message uses, and its tests prove it
 * accepts Slack's own example payloads in that folder.
 */

/** Block types of @slack/types' KnownBlock union. */
export const KNOWN_BLOCK_TYPES = [
  "actions", "alert", "card", "carousel", "container", "context", "context_actions", "data_table", "divider", "file",
  "header", "image", "input", "markdown", "rich_text", "section", "table", "task_card", "plan", "video",
] as const;

const PlainText = z.object({ type: z.literal("plain_text"), text: z.string().min(1), emoji: z.boolean().optional() });
const TextObject = z.union([
  PlainText,
  z.object({ type: z.literal("mrkdwn"), text: z.string().min(1), verbatim: z.boolean().optional() }),
]);
const ImageElement = z.object({ type: z.literal("image"), image_url: z.string().min(1), alt_text: z.string() });
const Button = z.object({
  type: z.literal("button"),
  text: PlainText,
  action_id: z.string().optional(),
  url: z.string().optional(),
  value: z.string().optional(),
  style: z.enum(["primary", "danger"]).optional(),
});

const Section = z
  .object({
    type: z.literal("section"),
    block_id: z.string().optional(),
    text: TextObject.optional(),
    fields: z.array(TextObject).min(1).optional(),
    accessory: z.union([ImageElement, Button]).optional(),
  })
  .strict()
  .refine((s) => s.text !== undefined || s.fields !== undefined, "section needs text or fields");

const Block = z.discriminatedUnion("type", [
  Section,
  z.object({ type: z.literal("header"), block_id: z.string().optional(), text: PlainText }).strict(),
  z.object({ type: z.literal("divider"), block_id: z.string().optional() }).strict(),
  z.object({ type: z.literal("context"), block_id: z.string().optional(), elements: z.array(z.union([TextObject, ImageElement])).min(1) }).strict(),
  z.object({ type: z.literal("actions"), block_id: z.string().optional(), elements: z.array(Button).min(1) }).strict(),
  z
    .object({ type: z.literal("image"), block_id: z.string().optional(), image_url: z.string(), alt_text: z.string(), title: PlainText.optional() })
    .strict(),
]);

const Payload = z
  .object({ text: z.string().optional(), blocks: z.array(z.unknown()).optional(), channel: z.string().optional() })
  .refine((p) => (p.text?.length ?? 0) > 0 || (p.blocks?.length ?? 0) > 0, "text or blocks required");

export function slackPayloadErrors(body: unknown): string[] {
  const top = Payload.safeParse(body);
  if (!top.success) return top.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  const errors: string[] = [];
  (top.data.blocks ?? []).forEach((b, i) => {
    const type = (b as { type?: unknown })?.type;
    if (!KNOWN_BLOCK_TYPES.includes(type as (typeof KNOWN_BLOCK_TYPES)[number])) {
      errors.push(`blocks.${i}: unknown block type ${JSON.stringify(type)}`);
      return;
    }
    const r = Block.safeParse(b);
    if (!r.success) errors.push(...r.error.issues.map((x) => `blocks.${i}.${x.path.join(".")}: ${x.message}`));
  });
  if (errors.length === 0 && top.data.blocks) {
    errors.push(...slackLimitViolations({ text: top.data.text ?? "", blocks: top.data.blocks } as SlackWebhookPayload));
  }
  return errors;
}
