/**
 * Versioned LLM price table: USD per 1M tokens by kind. A usage event is priced with the version
 * in force on its day, so a price change never rewrites history. Callers may send their own cost
 * for models not listed here.
 */
export interface ModelPrice {
  input: string;
  output: string;
  cached: string;
  reasoning: string;
}

export interface PriceTable {
  version: string;
  /** First UTC day this table applies to. */
  effectiveFrom: string;
  models: Record<string, ModelPrice>;
}

export const PRICE_TABLES: readonly PriceTable[] = [
  {
    version: "2025-01",
    effectiveFrom: "2025-01-01",
    models: {
      "gpt-4o": { input: "2.50", output: "10.00", cached: "1.25", reasoning: "10.00" },
      "gpt-4o-mini": { input: "0.15", output: "0.60", cached: "0.075", reasoning: "0.60" },
      "o3-mini": { input: "1.10", output: "4.40", cached: "0.55", reasoning: "4.40" },
      "claude-3-5-sonnet": { input: "3.00", output: "15.00", cached: "0.30", reasoning: "15.00" },
      "gemini-1.5-pro": { input: "1.25", output: "5.00", cached: "0.3125", reasoning: "5.00" },
      "gemini-1.5-flash": { input: "0.075", output: "0.30", cached: "0.01875", reasoning: "0.30" },
    },
  },
];

export function priceTableFor(day: string): PriceTable | undefined {
  return [...PRICE_TABLES].filter((t) => t.effectiveFrom <= day).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
}
