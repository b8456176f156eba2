import type { AlertRule } from "../observability/alert-rules.js";
import type { MetricsSnapshot } from "../observability/metrics.js";
import type { Readiness } from "./health.js";

const failedKey = (check: string) => `health_check_failed{check=${check}}`;

/**
 * A readiness answer as metrics: one counter per dependency, 1 while its check fails and 0 while it
 * passes, so that alert rules can watch the current state (a rule clears when its value drops).
 */
export function readinessSnapshot(r: Readiness): MetricsSnapshot {
  return {
    counters: Object.fromEntries(Object.entries(r.checks).map(([name, c]) => [failedKey(name), c.status === "fail" ? 1 : 0])),
    histograms: {},
  };
}

/**
 * Health's alert rules: one critical rule per dependency check, firing once when the check starts
 * failing and again only after it has passed in between.
 *
 * @example
 *   const rules = createAlertRules(dependencyRules(["documents", "warehouse"]), sink);
 *   await rules.evaluate(readinessSnapshot(await health.readiness()));
 */
export function dependencyRules(checks: readonly string[]): AlertRule[] {
  return checks.map((check) => ({
    name: `${check} failing`,
    severity: "critical" as const,
    measure: (m: MetricsSnapshot) => m.counters[failedKey(check)] ?? null,
    threshold: 1,
    summary: () => `the ${check} dependency check fails; functions that need it are failing too`,
  }));
}
