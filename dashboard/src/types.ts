/** The shapes the callables answer with (functions/src/domain/api/*), as far as the page reads them. */
export interface CostSummary {
  granularity: "daily" | "monthly";
  /** A group billed in two currencies is two rows. */
  rows: { period: string; dims: Record<string, string>; currency: string; billedCost: string; effectiveCost: string }[];
  /** One entry per currency: amounts in different currencies are never added. */
  totals: { currency: string; billedCost: string; effectiveCost: string }[];
}

export interface Page<T> {
  items: (T & { id: string })[];
  next: string | null;
}

export interface Anomaly {
  start: string;
  end: string;
  direction: "increase" | "decrease" | string;
  where?: { provider?: string; accountId?: string; service?: string };
  /** The ledger view of the series; absent on documents written before allocation anomalies (billed). */
  view?: "billed" | "kubernetes-allocation";
  /** Amounts in `currency`; documents written before it existed name them `…Usd`. */
  expected?: string;
  actual?: string;
  impact?: string;
  currency?: string;
  expectedUsd?: string;
  actualUsd?: string;
  impactUsd?: string;
  severity: string;
  status: "open" | "acknowledged" | "resolved";
  feedback: "expected" | "unexpected" | "planned" | null;
  note?: string;
  rootCauses?: { dimension: string; value: string; contribution?: string; contributionUsd?: string }[];
  detectedAt?: string;
  updatedBy?: string;
}

export interface Budget {
  name: string;
  amount: string;
  currency: string;
  period: "monthly" | "quarterly" | "annual" | "custom";
  scope?: { provider?: string[] };
  status?: { asOf: string; periodKey: string; state: string; actual: string; projected: string; actualPercent: number; projectedPercent: number };
}

export interface ForecastPoint {
  date: string;
  mean: string;
  lower80: string;
  upper80: string;
  lower95: string;
  upper95: string;
}

export interface Forecast {
  seriesKey: string;
  asOf: string;
  points: ForecastPoint[];
  /** Amounts in `currency` (the series' billing currency; absent on documents that predate it: USD). */
  monthEnd?: { period: string; currency?: string; actualToDate: string; projected: string; lower80: string; upper80: string; lower95: string; upper95: string };
}
