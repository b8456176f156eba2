import type { Clock, DocumentStore } from "#kernel/ports.js";
import type { Authenticator } from "../iam/authenticate.js";
import type { LogSink, Severity } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { AuditLog } from "../secops/audit-log.js";
import type { BruteForceGuard } from "../secops/brute-force.js";
import type { RateLimiter } from "../secops/rate-limiter.js";
import type { SessionManager } from "../session/sessions.js";
import type { WorkspaceService } from "../session/workspaces.js";

/**
 * What the pipeline itself needs, built once per instance by the composition root (deps.ts)
 * from F7 config. Domain dependencies of handlers are separate (`deps`), so foundation never
 * imports domain services.
 */
export interface PipelineConfig {
  projectId: string;
  envName: string;
  logLevel: Severity;
  /** Allowed browser origins for CORS; ["*"] allows any (callables carry bearer tokens, not cookies). */
  corsOrigins: readonly string[];
  /** Proxies that append to X-Forwarded-For in front of us (Google Front End: 1). */
  trustedProxyHops: number;
}

export interface PipelineServices {
  config: PipelineConfig;
  clock: Clock;
  logSink: LogSink;
  rateLimiter: Pick<RateLimiter, "consume">;
  bruteForce: BruteForceGuard;
  authenticate: Authenticator;
  sessions: SessionManager;
  workspaces: WorkspaceService;
  audit: Pick<AuditLog, "append">;
  metrics: Metrics;
  /** Lease records of event handlers' idempotency. */
  documents: DocumentStore;
}
