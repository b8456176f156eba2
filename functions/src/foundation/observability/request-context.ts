import { AsyncLocalStorage } from "node:async_hooks";
import { createLogger, type Logger } from "./logger.js";
import type { TraceContext } from "./trace-context.js";

/**
 * Per-request context in AsyncLocalStorage (DESIGN.md §10, as functions-framework does), so code
 * deep in a call (adapters, retries) logs with the request's trace without threading a logger.
 */
export interface RequestScope {
  functionName: string;
  executionId: string;
  trace: TraceContext;
  log: Logger;
  /** Labels added as the request is understood (tenant, principal, session, workspace). */
  labels: Record<string, string>;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

const fallback = createLogger({ labels: { scope: "instance" } });

/**
 * The logger of the current request, or an instance-level one outside a request.
 *
 * @example
 *   currentLogger().warn("provider throttled", { provider: "aws", attempt });
 */
export function currentLogger(): Logger {
  return storage.getStore()?.log ?? fallback;
}
