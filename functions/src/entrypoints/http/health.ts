import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { getDeps } from "../../deps.js";
import { createHealthCheck, type HealthCheck } from "#foundation/selfops/health.js";

/**
 * F5 health: GET /?probe=live answers at once (liveness); the default runs each dependency
 * check (documents, warehouse, secrets) with a timeout and answers 200 ok/degraded or 503 down.
 * No authentication, and no details beyond check names and redacted error messages.
 */
let checks: Promise<HealthCheck> | undefined;

async function healthCheck(): Promise<HealthCheck> {
  const d = await getDeps();
  return createHealthCheck(
    {
      documents: async () => {
        await d.documents.get("platform/health");
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
}

export const health: HttpFunction = async (req, res) => {
  res.setHeader("Cache-Control", "no-store");
  try {
    if (!checks) {
      checks = healthCheck().catch((e: unknown) => {
        checks = undefined;
        throw e;
      });
    }
    const h = await checks;
    if (req.query?.probe === "live") {
      res.status(200).json(h.liveness());
      return;
    }
    const r = await h.readiness();
    res.status(r.status === "down" ? 503 : 200).json(r);
  } catch {
    res.status(503).json({ status: "down", checks: {} });
  }
};

http("health", health);
