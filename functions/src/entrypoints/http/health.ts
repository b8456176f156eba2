import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { getDeps } from "../../deps.js";
import { createAlertRules } from "#foundation/observability/alert-rules.js";
import { currentLogger } from "#foundation/observability/request-context.js";
import { createHealthCheck, type HealthCheck } from "#foundation/selfops/health.js";
import { dependencyRules, readinessSnapshot } from "#foundation/selfops/health-rules.js";
import { paths } from "#kernel/document-paths.js";

/**
 * F5 health: GET /?probe=live answers at once (liveness); the default runs each dependency
 * check (documents, warehouse, secrets) with a timeout and answers 200 ok/degraded or 503 down.
 * Each readiness answer also feeds health's alert rules, which page the operations channel once
 * when a dependency starts failing (config `alerts.*`). No authentication, and no details beyond
 * check names and redacted error messages.
 */
interface HealthState {
  check: HealthCheck;
  rules: ReturnType<typeof createAlertRules>;
}
let state: Promise<HealthState> | undefined;

const CHECKS = ["documents", "warehouse", "secrets"] as const;

async function healthState(): Promise<HealthState> {
  const d = await getDeps();
  const check = createHealthCheck(
    {
      documents: async () => {
        await d.documents.get(paths.platformHealthProbe());
      },
      warehouse: async () => {
        await d.warehouse.days("__health__");
      },
      secrets: async () => {
        await d.secrets.get("health-probe");
      },
    },
    { timeoutMs: d.config.selfops.health_timeout },
  );
  return { check, rules: createAlertRules(dependencyRules(CHECKS), d.opsAlerts) };
}

export const health: HttpFunction = async (req, res) => {
  res.setHeader("Cache-Control", "no-store");
  try {
    state ??= healthState().catch((e: unknown) => {
      state = undefined;
      throw e;
    });
    const { check, rules } = await state;
    if (req.query?.probe === "live") {
      res.status(200).json(check.liveness());
      return;
    }
    const r = await check.readiness();
    res.status(r.status === "down" ? 503 : 200).json(r);
    // After answering: a slow operations channel must not slow the probe down.
    rules.evaluate(readinessSnapshot(r)).catch((err: unknown) => currentLogger().error("health alert rules failed", { error: String(err) }));
  } catch {
    res.status(503).json({ status: "down", checks: {} });
  }
};

http("health", health);
