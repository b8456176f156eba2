import type { MetricsSnapshot } from "./metrics.js";

/**
 * F3 alert rules over the instance's metrics: each rule watches one counter or histogram and, when
 * its condition holds, routes an operational alert to the alert channels through {@link AlertSink}
 * (an interface: the alerts module owns Slack and PagerDuty). A rule fires once until it clears.
 */
export interface OperationalAlert {
  rule: string;
  severity: "info" | "warning" | "critical";
  summary: string;
  value: number;
}

export interface AlertSink {
  send(alert: OperationalAlert): Promise<void>;
}

export interface AlertRule {
  name: string;
  severity: OperationalAlert["severity"];
  /** The value watched; null when the metric has no data yet. */
  measure: (m: MetricsSnapshot) => number | null;
  threshold: number;
  summary: (value: number) => string;
}

/** Share of calls of `fn` that ended with a 5xx-class code. */
export function errorRatio(fn: string): (m: MetricsSnapshot) => number | null {
  return (m) => {
    let all = 0;
    let bad = 0;
    for (const [k, v] of Object.entries(m.counters)) {
      if (!k.startsWith("callable_calls{") || !k.includes(`function=${fn}`)) continue;
      all += v;
      if (/code=(internal|unavailable|deadline-exceeded|unimplemented)/.test(k)) bad += v;
    }
    return all === 0 ? null : bad / all;
  };
}

/** Mean latency of `fn` in ms. */
export function meanLatency(fn: string): (m: MetricsSnapshot) => number | null {
  return (m) => {
    const h = m.histograms[`callable_latency_ms{function=${fn}}`];
    return h && h.count > 0 ? h.sum / h.count : null;
  };
}

/**
 * @example
 *   const rules = createAlertRules([{ name: "getCostSummary errors", severity: "critical",
 *     measure: errorRatio("getCostSummary"), threshold: 0.05, summary: (v) => `${(v * 100).toFixed(1)}% errors` }], sink);
 *   await rules.evaluate(metrics.snapshot());
 */
export function createAlertRules(rules: readonly AlertRule[], sink: AlertSink) {
  const firing = new Set<string>();
  return {
    async evaluate(m: MetricsSnapshot): Promise<OperationalAlert[]> {
      const sent: OperationalAlert[] = [];
      for (const r of rules) {
        const v = r.measure(m);
        if (v === null || v < r.threshold) {
          firing.delete(r.name);
          continue;
        }
        if (firing.has(r.name)) continue;
        firing.add(r.name);
        const alert = { rule: r.name, severity: r.severity, summary: r.summary(v), value: v };
        await sink.send(alert);
        sent.push(alert);
      }
      return sent;
    },
  };
}
