/**
 * Durations in config: a number is milliseconds; a string is a number with a unit
 * ("250ms", "5s", "30m", "1h", "7d", "1.5h"). Every duration parses to milliseconds.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

export function parseDuration(value: string): number | null {
  const m = DURATION.exec(value);
  if (!m) return null;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number));
}
