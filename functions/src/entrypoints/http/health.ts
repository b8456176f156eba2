import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { getDeps, getPipelineServices } from "../../deps.js";
import { createAlertRules } from "#foundation/observability/alert-rules.js";
import { currentLogger } from "#foundation/observability/request-context.js";
import { createHealthCheck, type Readiness } from "#foundation/selfops/health.js";
import { mayReadHealthDetails } from "#foundation/selfops/health-access.js";
import { dependencyRules, readinessSnapshot } from "#foundation/selfops/health-rules.js";
import { cachedReadiness } from "#foundation/selfops/readiness-cache.js";
import { paths } from "#kernel/document-paths.js";

/**
 * F5 health: GET /?probe=live answers at once (liveness); the default runs each dependency
 * check (documents, warehouse, secrets) with a timeout and answers 200 ok/degraded or 503 down.
 * Readiness is computed at most once per {@link READINESS_TTL_MS} and shared, so unauthenticated
 * probes cannot make every request run three dependency checks. Without credentials the answer
 * is the overall status only; an allowed OIDC service account or a platform admin with a second
 * factor also gets each check's name, latency and redacted error (selfops/health-access.ts).
 * Each fresh readiness round also feeds health's alert rules, which page the operations channel
 * once when a dependency starts failing (config `alerts.*`).
 */
export const READINESS_TTL_MS = 5_000;

interface HealthState {
  readiness: ReturnType<typeof cachedReadiness>;
  uptime: () => { status: "ok"; uptimeSec: number };
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
  return {
    readiness: cachedReadiness(check, { ttlMs: READINESS_TTL_MS, clock: d.clock }),
    uptime: () => check.liveness(),
    rules: createAlertRules(dependencyRules(CHECKS), d.opsAlerts),
  };
}

async function detailsAllowed(req: Parameters<HttpFunction>[0]): Promise<boolean> {
  if (req.headers.authorization === undefined) return false;
  return mayReadHealthDetails(await getPipelineServices(), req);
}

export const health: HttpFunction = async (req, res) => {
  res.setHeader("Cache-Control", "no-store");
  try {
    state ??= healthState().catch((e: unknown) => {
      state = undefined;
      throw e;
    });
    const { readiness, uptime, rules } = await state;
    const detailed = await detailsAllowed(req);
    if (req.query?.probe === "live") {
      res.status(200).json(detailed ? uptime() : { status: "ok" });
      return;
    }
    const { readiness: r, fresh } = await readiness();
    const body: Readiness | { status: Readiness["status"] } = detailed ? r : { status: r.status };
    res.status(r.status === "down" ? 503 : 200).json(body);
    // After answering: a slow operations channel must not slow the probe down.
    if (fresh) rules.evaluate(readinessSnapshot(r)).catch((err: unknown) => currentLogger().error("health alert rules failed", { error: String(err) }));
  } catch {
    res.status(503).json({ status: "down" });
  }
};

http("health", health);
