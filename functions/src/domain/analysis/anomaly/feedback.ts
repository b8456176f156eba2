import { z } from "zod";
import { parseIsoDay } from "#kernel/days.js";

/**
 * Feedback a user gave on a flagged day of one series. The caller stores it and passes it back on
 * every later run; the detector applies it causally, from the day after the flagged date on:
 * - "expected" / "planned": the deviation is the new normal. If it is still going on the next day
 *   the series adopts the new level at once (no confirmation week), and deviations of a similar
 *   size in the same direction stop alerting for this series (its threshold rises to 1.2 × that
 *   deviation on the log scale).
 * - "unexpected": a real anomaly. Any raised threshold is reset (the series stays sensitive) and the
 *   flagged day is left out of the baseline so it cannot desensitize the model.
 */
export const FEEDBACK_LABELS = ["expected", "unexpected", "planned"] as const;
export type FeedbackLabel = (typeof FEEDBACK_LABELS)[number];

export const SeriesFeedbackSchema = z.object({
  date: z.string().refine((d) => parseIsoDay(d) !== undefined, "date must be a real YYYY-MM-DD date"),
  label: z.enum(FEEDBACK_LABELS),
});
export type SeriesFeedback = z.infer<typeof SeriesFeedbackSchema>;

/** Compact codes the scanner reads from an Int8Array indexed by day. */
export const FEEDBACK_CODE: Record<FeedbackLabel, number> = { expected: 1, planned: 2, unexpected: 3 };
export const FEEDBACK_UNEXPECTED = 3;

/** Feedback as one code per day of a series that starts on `startDay` and spans `n` days. */
export function feedbackCodes(feedback: readonly SeriesFeedback[], startDay: number, n: number): Int8Array | undefined {
  if (feedback.length === 0) return undefined;
  const codes = new Int8Array(n);
  for (const f of feedback) {
    const i = (parseIsoDay(f.date) as number) - startDay;
    if (i >= 0 && i < n) codes[i] = FEEDBACK_CODE[f.label];
  }
  return codes;
}
