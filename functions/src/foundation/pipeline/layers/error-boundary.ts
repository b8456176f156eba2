import type { CallableCode } from "#kernel/errors.js";
import { type CallableErrorBody, toCallableError } from "../callable-errors.js";
import type { BaseContext, ConfigContext, ObservedContext } from "../context.js";
import type { Middleware } from "../middleware.js";

/** What the boundary hands to the HTTP adapter: always a complete callable response. */
export interface CallableResponse {
  httpStatus: number;
  body: { result: unknown } | CallableErrorBody;
  code: CallableCode | "ok";
  retryable: boolean;
}

/**
 * Layer 3: the ONE place where errors become callable error bodies (DESIGN.md §6). AppErrors
 * keep their code and (if exposed) message and details; anything else is `internal` with the
 * message hidden and the cause logged. Also records per-function call counts and latency.
 *
 * @example
 *   stack.use("error-boundary", errorBoundary())  // inner layers may throw AppError freely
 */
export function errorBoundary(): Middleware<BaseContext & ConfigContext & ObservedContext> {
  return async function boundary(ctx, next): Promise<CallableResponse> {
    const started = performance.now();
    const { metrics } = ctx.services;
    const fn = ctx.decl.name;
    let response: CallableResponse;
    try {
      const result = await next({});
      response = { httpStatus: 200, body: { result: result === undefined ? null : result }, code: "ok", retryable: false };
    } catch (err) {
      const mapped = toCallableError(err);
      if (mapped.unexpected || mapped.httpStatus >= 500) {
        ctx.log.error("call failed", { code: mapped.code, error: describe(err), cause: describe((err as Error)?.cause) });
      } else {
        ctx.log.info("call refused", { code: mapped.code, reason: reasonOf(mapped.body.error.details) });
      }
      response = { httpStatus: mapped.httpStatus, body: mapped.body, code: mapped.code, retryable: mapped.retryable };
    }
    const ms = performance.now() - started;
    metrics.increment("callable_calls", { function: fn, code: response.code });
    metrics.observe("callable_latency_ms", ms, { function: fn });
    return response;
  };
}

function reasonOf(details: unknown): unknown {
  return details !== null && typeof details === "object" ? (details as { reason?: unknown }).reason : undefined;
}

function describe(err: unknown): unknown {
  if (err === undefined) return undefined;
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack?.split("\n").slice(0, 6).join("\n") };
  return String(err);
}
