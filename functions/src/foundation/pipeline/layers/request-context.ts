import { createLogger } from "../../observability/logger.js";
import { runInRequestScope } from "../../observability/request-context.js";
import { parseTraceContext, randomHex } from "../../observability/trace-context.js";
import type { BaseContext, ConfigContext, ObservedContext } from "../context.js";
import type { Middleware } from "../middleware.js";

/**
 * Layer 2, F3: trace context from `traceparent` / `X-Cloud-Trace-Context`, the execution id
 * (`function-execution-id` header of Cloud Functions, else a new one) and a JSON logger labelled
 * with the function, run inside AsyncLocalStorage so nested code logs with the same trace.
 *
 * @example
 *   stack.use("request-context", requestContext())   // adds { executionId, trace, log }
 */
export function requestContext(): Middleware<BaseContext & ConfigContext, ObservedContext> {
  return async function withRequestContext(ctx, next) {
    const { config, logSink } = ctx.services;
    const trace = parseTraceContext(ctx.request.headers);
    const header = ctx.request.headers["function-execution-id"];
    const executionId = (Array.isArray(header) ? header[0] : header)?.slice(0, 64) || randomHex(12);
    const labels = { function: ctx.decl.name, execution_id: executionId };
    const log = createLogger({ sink: logSink, level: config.logLevel, projectId: config.projectId, trace, labels });
    return runInRequestScope({ functionName: ctx.decl.name, executionId, trace, log, labels }, () =>
      next({ executionId, trace, log }),
    );
  };
}
