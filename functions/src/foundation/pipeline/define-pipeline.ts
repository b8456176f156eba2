import type { ZodType } from "zod";
import type { AuthMethod } from "../iam/authenticate.js";
import { ACTIONS, SKILLS, ZONES } from "../iam/model.js";
import { makeDefineEventHandler } from "./define-event-handler.js";
import { makeDefineScheduledHandler } from "./define-scheduled-handler.js";
import type { EventMessage } from "./event-stack.js";
import { answerPreflight, applyCors, callableEnvelope, type HttpResponseLike, writeCallableResponse } from "./callable-protocol.js";
import type { BaseContext, CallableContext, CallableDeclaration, HttpRequestLike } from "./context.js";
import { BODY_LIMITS } from "./body-limits.js";
import { auditTrail } from "./layers/audit-trail.js";
import { authenticate } from "./layers/authenticate.js";
import { authorize } from "./layers/authorize.js";
import { type CallableResponse, errorBoundary } from "./layers/error-boundary.js";
import { identityRateLimit } from "./layers/identity-rate-limit.js";
import { requestContext } from "./layers/request-context.js";
import { sessionContext } from "./layers/session-context.js";
import { threatGuard } from "./layers/threat-guard.js";
import { validateInput } from "./layers/validate-input.js";
import { withConfig } from "./layers/with-config.js";
import { Stack } from "./middleware.js";
import type { PipelineServices } from "./services.js";

export interface CallableSpec<I, D, R> extends Omit<CallableDeclaration, "auth"> {
  /** A strict zod schema (`z.strictObject`): unknown keys, such as a forged tenantId, are refused. */
  input: ZodType<I>;
  auth?: readonly AuthMethod[];
  /** Free-text fields to check for injection; default every string of the input. */
  freeText?: (input: I) => unknown;
  /**
   * Largest request body accepted, on the wire and inflated (default `BODY_LIMITS.callable`,
   * 256 KiB); the edge server refuses a larger one with 413 before it is parsed.
   */
  maxBodyBytes?: number;
  handler: (args: { input: I; ctx: CallableContext; deps: D }) => Promise<R>;
}

/** An HTTP function for functions-framework that speaks the callable protocol. */
export type CallableFunction = ((req: HttpRequestLike, res: HttpResponseLike) => Promise<void>) & {
  readonly declaration: CallableDeclaration;
  /** The input schema, for contract tests and generated docs. */
  readonly inputSchema: ZodType<unknown>;
  /** Layer names outermost first (DESIGN.md §6 order). */
  readonly layers: readonly string[];
  /** The body cap the edge server applies (edge-server.ts). */
  readonly maxBodyBytes: number;
};

export interface PipelineOptions<D> {
  /** Pipeline services (config, limits, identity, audit), memoized per instance. */
  services: () => Promise<PipelineServices>;
  /** Handler dependencies (domain services over ports), memoized per instance. */
  deps: () => Promise<D>;
  /** Registers the function with functions-framework (`http` from the framework). */
  register?: (name: string, fn: (req: never, res: never) => unknown) => void;
  /** Where event handlers put messages that can never succeed (non-retryable failures). */
  deadLetter?: (message: EventMessage, reason: string) => Promise<void>;
}

const NAME = /^[a-z][A-Za-z0-9]{2,62}$/;

function checkSpec(spec: CallableSpec<unknown, unknown, unknown>): void {
  const where = `defineCallable(${JSON.stringify(spec.name)})`;
  if (!NAME.test(spec.name)) throw new TypeError(`${where}: name must be lowerCamelCase letters and digits`);
  if (!SKILLS.includes(spec.skill)) throw new TypeError(`${where}: unknown skill ${spec.skill}`);
  if (!ACTIONS.includes(spec.action)) throw new TypeError(`${where}: unknown action ${spec.action}`);
  if (spec.zone !== undefined && !ZONES.includes(spec.zone)) throw new TypeError(`${where}: unknown zone ${spec.zone}`);
  if (spec.minTrust !== undefined && ![1, 2, 3, 4].includes(spec.minTrust)) throw new TypeError(`${where}: minTrust must be 1-4`);
  if (typeof spec.handler !== "function") throw new TypeError(`${where}: handler must be a function`);
  if (typeof (spec.input as { safeParse?: unknown })?.safeParse !== "function") throw new TypeError(`${where}: input must be a zod schema`);
  if (spec.maxBodyBytes !== undefined && !(Number.isInteger(spec.maxBodyBytes) && spec.maxBodyBytes >= 1024)) {
    throw new TypeError(`${where}: maxBodyBytes must be an integer >= 1024`);
  }
}

/**
 * Binds the pipeline to a composition root and returns the declaration helpers.
 *
 * @example
 *   export const { defineCallable } = definePipeline({ services: getPipelineServices, deps: getDeps, register: http });
 *   export const listBudgets = defineCallable({
 *     name: "listBudgets", input: z.strictObject({}), skill: "budgets", action: "read",
 *     handler: ({ ctx, deps }) => deps.budgets.list(ctx.tenantId),
 *   });
 */
export function definePipeline<D>(opts: PipelineOptions<D>) {
  // The composition root memoizes; asking each time lets tests reconfigure between cases.
  const services = opts.services;

  function defineCallable<I, R>(spec: CallableSpec<I, D, R>): CallableFunction {
    checkSpec(spec as CallableSpec<unknown, unknown, unknown>);
    const declaration: CallableDeclaration = {
      name: spec.name,
      skill: spec.skill,
      action: spec.action,
      auth: spec.auth ?? ["id-token"],
      ...(spec.zone ? { zone: spec.zone } : {}),
      ...(spec.minTrust ? { minTrust: spec.minTrust } : {}),
      ...(spec.owned ? { owned: true } : {}),
    };
    // DESIGN.md §6. The audit (step 10) wraps every layer from the rate limit (step 4) inward,
    // so that it records refusals as well as outcomes. The rate limit is keyed on the source
    // address before authentication and on the verified identity after it (step 4 in two
    // parts around step 5's authentication).
    const stack = Stack.start<BaseContext>()
      .use("F7 config", withConfig(services))
      .use("F3 request context", requestContext())
      .use("error boundary", errorBoundary())
      .use("callable envelope", callableEnvelope())
      .use("F4 audit", auditTrail())
      .use("F4 rate limit (source) + brute force", threatGuard())
      .use("F1 authenticate", authenticate())
      .use("F4 rate limit (identity)", identityRateLimit())
      .use("F1 authorize", authorize())
      .use("F2 session + workspace", sessionContext())
      .use("F4 validation + injection", validateInput(spec.input, spec.freeText));
    const run = stack.handle(async function runHandler(ctx) {
      ctx.state.stage = "handler";
      return spec.handler({ input: ctx.input, ctx, deps: await opts.deps() });
    });
    const layers = [...stack.names, "handler"];

    const callable = async function serveCallable(req: HttpRequestLike, res: HttpResponseLike): Promise<void> {
      let response: CallableResponse;
      try {
        const s = await services();
        applyCors(req, res, s.config.corsOrigins);
        if (req.method === "OPTIONS") {
          answerPreflight(res);
          return;
        }
        response = (await run({ decl: declaration, request: req, state: { audit: {} } })) as CallableResponse;
      } catch {
        // Only reached if config or logging itself failed: nothing richer can be said safely.
        response = { httpStatus: 500, body: { error: { status: "INTERNAL", message: "INTERNAL" } }, code: "internal", retryable: false };
      }
      writeCallableResponse(res, response);
    };
    const maxBodyBytes = spec.maxBodyBytes ?? BODY_LIMITS.callable;
    const fn = Object.assign(callable, { declaration, layers, inputSchema: spec.input as ZodType<unknown>, maxBodyBytes });
    opts.register?.(spec.name, fn as (req: never, res: never) => unknown);
    return fn;
  }

  const eventOptions = {
    services,
    deps: opts.deps,
    ...(opts.deadLetter ? { deadLetter: opts.deadLetter } : {}),
    ...(opts.register ? { register: opts.register } : {}),
  };
  const defineEventHandler = makeDefineEventHandler<D>(eventOptions);
  const defineScheduledHandler = makeDefineScheduledHandler<D>(eventOptions);
  return { defineCallable, defineEventHandler, defineScheduledHandler, services };
}
