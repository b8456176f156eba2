import type { ZodType } from "zod";
import { findInjectionIn } from "../../secops/input-guard.js";
import { strictParse } from "../../secops/strict-parse.js";
import type { BaseContext, ObservedContext } from "../context.js";
import { AppError } from "#kernel/errors.js";
import type { Middleware } from "../middleware.js";

/** The `data` of a callable request without the pipeline's own `asTenant` member. */
export function callableData(body: unknown): unknown {
  const data = body !== null && typeof body === "object" ? (body as { data?: unknown }).data : undefined;
  if (data === null || data === undefined) return {};
  if (typeof data === "object" && !Array.isArray(data) && "asTenant" in data) {
    const { asTenant: _pipelineOnly, ...rest } = data as Record<string, unknown>;
    return rest;
  }
  return data;
}

/**
 * Layer 7, F4: zod strict parse of `data` (unknown keys such as a forged `tenantId` are refused),
 * then SQL- and prompt-injection checks on the free-text fields `freeText` selects (default: every
 * string of the input). Both failures are `invalid-argument` with the offending path in details.
 *
 * @example
 *   stack.use("validate", validateInput(UpsertBudgetInput, (i) => [i.name, i.notes]))
 */
export function validateInput<I>(
  schema: ZodType<I>,
  freeText: (input: I) => unknown = (i) => i,
): Middleware<BaseContext & ObservedContext, { input: I }> {
  return async function validate(ctx, next) {
    ctx.state.stage = "validation";
    const input = strictParse(schema, callableData(ctx.request.body));
    const hit = findInjectionIn(freeText(input));
    if (hit) {
      ctx.log.warn("injection pattern refused", { event: "security.injection_refused", kind: hit.kind, rule: hit.rule, path: hit.path });
      throw new AppError("invalid-argument", `input refused: ${hit.kind} injection pattern in ${hit.path || "input"}`, {
        details: { reason: "injection", kind: hit.kind, rule: hit.rule, path: hit.path },
      });
    }
    return next({ input });
  };
}
