import { z } from "zod";
import { AppError } from "#kernel/errors.js";

/** What dead-letter twins are named after: `<topic>.dead-letter` (Pub/Sub topic ids allow dots). */
export const DEAD_LETTER_SUFFIX = ".dead-letter";

/** Pub/Sub's rule for a topic id: 3 to 255 characters from [A-Za-z0-9._~+%-], starting with a letter, not `goog…`. */
const TopicId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/, "3-255 characters from [A-Za-z0-9._~+%-], starting with a letter")
  .refine((id) => !id.toLowerCase().startsWith("goog"), "must not start with goog");

const Prefix = z.string().regex(/^([A-Za-z][A-Za-z0-9._~+%-]{0,99})?$/, "a letter, then letters, digits or ._~+%-");

export interface TopicNames {
  /** The Pub/Sub topic id of a topic the code names (`collect-account` → `<prefix>collect-account`). */
  topicId(topic: string): string;
  /** The code's name of a topic's dead-letter twin (`alerts` → `alerts.dead-letter`). */
  deadLetterOf(topic: string): string;
  isDeadLetter(topic: string): boolean;
}

/**
 * Topic ids under a configurable prefix (`pubsub.topic_prefix`), so that several installs can
 * share one project. The code always names topics without the prefix; only this module adds it.
 * Every topic has a `<topic>.dead-letter` twin, prefixed like the rest.
 *
 * @example
 *   const names = topicNames("staging-");
 *   names.topicId("alerts");                           // "staging-alerts"
 *   names.topicId(names.deadLetterOf("alerts"));       // "staging-alerts.dead-letter"
 */
export function topicNames(prefix: string): TopicNames {
  const p = Prefix.safeParse(prefix);
  if (!p.success) throw new AppError("failed-precondition", `invalid topic prefix ${JSON.stringify(prefix)}: ${p.error.issues[0]?.message}`);
  return {
    topicId(topic) {
      const id = TopicId.safeParse(`${prefix}${topic}`);
      if (!id.success) throw new AppError("invalid-argument", `invalid topic ${JSON.stringify(topic)}: ${id.error.issues[0]?.message}`);
      return id.data;
    },
    deadLetterOf: (topic) => `${topic}${DEAD_LETTER_SUFFIX}`,
    isDeadLetter: (topic) => topic.endsWith(DEAD_LETTER_SUFFIX),
  };
}
