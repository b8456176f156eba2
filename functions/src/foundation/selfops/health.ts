import { redactErrorText } from "#kernel/redact.js";

/**
 * F5 health: liveness (the process answers) and readiness (each dependency check, run in
 * parallel with a timeout). Overall status: "ok" when all pass, "down" when all fail, otherwise
 * "degraded". Error messages are redacted of secrets before they are returned.
 */
export type DependencyCheck = () => Promise<void>;

export interface CheckResult {
  status: "ok" | "fail";
  latencyMs: number;
  error?: string;
}

export interface Readiness {
  status: "ok" | "degraded" | "down";
  checks: Record<string, CheckResult>;
}

export interface HealthCheck {
  liveness(): { status: "ok"; uptimeSec: number };
  readiness(): Promise<Readiness>;
}

export interface HealthOptions {
  /** Per-check timeout; default 2,000 ms. */
  timeoutMs?: number;
  /** Monotonic ms source (tests); default performance.now. */
  now?: () => number;
}

class CheckTimeout extends Error {
  override readonly name = "CheckTimeout";
}

async function withTimeout(check: DependencyCheck, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(e: unknown): string {
  const raw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return redactErrorText(raw).slice(0, 300);
}

export function createHealthCheck(checks: Record<string, DependencyCheck>, opts: HealthOptions = {}): HealthCheck {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const now = opts.now ?? (() => performance.now());
  const startedAt = now();

  async function runOne(check: DependencyCheck): Promise<CheckResult> {
    const t0 = now();
    try {
      await withTimeout(check, timeoutMs);
      return { status: "ok", latencyMs: Math.round(now() - t0) };
    } catch (e) {
      return { status: "fail", latencyMs: Math.round(now() - t0), error: messageOf(e) };
    }
  }

  return {
    liveness() {
      return { status: "ok", uptimeSec: Math.floor((now() - startedAt) / 1000) };
    },
    async readiness() {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((n) => runOne(checks[n] as DependencyCheck)));
      const out: Record<string, CheckResult> = {};
      names.forEach((n, i) => {
        out[n] = results[i] as CheckResult;
      });
      const failed = results.filter((r) => r.status === "fail").length;
      const status = failed === 0 ? "ok" : failed === results.length ? "down" : "degraded";
      return { status, checks: out };
    },
  };
}
