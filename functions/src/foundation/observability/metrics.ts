/**
 * F3 metrics: counters and histograms per function, kept in memory per instance and read as a
 * snapshot (health's alert rules read the same shape). They are not exported anywhere yet; no
 * metrics SDK is loaded on the request path.
 */
export type Labels = Record<string, string>;

export interface HistogramSnapshot {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Upper bounds (ms) → cumulative counts, Prometheus style. */
  buckets: Record<string, number>;
}

export interface MetricsSnapshot {
  counters: Record<string, number>;
  histograms: Record<string, HistogramSnapshot>;
}

export interface Metrics {
  increment(name: string, labels?: Labels, by?: number): void;
  observe(name: string, value: number, labels?: Labels): void;
  snapshot(): MetricsSnapshot;
  reset(): void;
}

export const DEFAULT_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

function seriesKey(name: string, labels?: Labels): string {
  if (!labels) return name;
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return parts.length ? `${name}{${parts.join(",")}}` : name;
}

/**
 * @example
 *   const m = createMetrics();
 *   m.increment("callable_calls", { function: "getCostSummary", code: "ok" });
 *   m.observe("callable_latency_ms", 3.2, { function: "getCostSummary" });
 */
export function createMetrics(buckets: readonly number[] = DEFAULT_BUCKETS): Metrics {
  const counters = new Map<string, number>();
  const histograms = new Map<string, HistogramSnapshot>();
  return {
    increment(name, labels, by = 1) {
      const k = seriesKey(name, labels);
      counters.set(k, (counters.get(k) ?? 0) + by);
    },
    observe(name, value, labels) {
      const k = seriesKey(name, labels);
      let h = histograms.get(k);
      if (!h) {
        h = { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, buckets: {} };
        for (const b of buckets) h.buckets[String(b)] = 0;
        h.buckets["+Inf"] = 0;
        histograms.set(k, h);
      }
      h.count += 1;
      h.sum += value;
      h.min = Math.min(h.min, value);
      h.max = Math.max(h.max, value);
      for (const b of buckets) if (value <= b) h.buckets[String(b)] = (h.buckets[String(b)] ?? 0) + 1;
      h.buckets["+Inf"] = (h.buckets["+Inf"] ?? 0) + 1;
    },
    snapshot() {
      return {
        counters: Object.fromEntries(counters),
        histograms: Object.fromEntries([...histograms].map(([k, h]) => [k, { ...h, buckets: { ...h.buckets } }])),
      };
    },
    reset() {
      counters.clear();
      histograms.clear();
    },
  };
}
