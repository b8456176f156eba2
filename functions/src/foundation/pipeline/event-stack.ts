import { createHash } from "node:crypto";
import type { ZodType } from "zod";
import { AppError } from "#kernel/errors.js";
import type { Principal } from "../iam/model.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { runInRequestScope } from "../observability/request-context.js";
import { parseTraceContext } from "../observability/trace-context.js";
import { PLATFORM_STREAM, tenantStream } from "../secops/audit-log.js";
import { strictParse } from "../secops/strict-parse.js";
import type { HttpResponseLike } from "./callable-protocol.js";
import { toCallableError } from "./callable-errors.js";
import type { HttpRequestLike } from "./context.js";
import { type Middleware, Stack } from "./middleware.js";
import type { PipelineServices } from "./services.js";
import { paths } from "#kernel/document-paths.js";
import type { BusMessage } from "#kernel/ports.js";

/** A delivered message (the EventBus port's BusMessage shape, a decoded Pub/Sub push, or a scheduler tick). */
export type EventMessage = BusMessage;

export interface EventContext {
  name: string;
  message: EventMessage;
  log: Logger;
  principal: Principal;
}

/** done: handled now; duplicate: already handled; rejected: not retryable, dead-lettered or logged. */
export type EventOutcome = "done" | "duplicate" | "rejected";

export interface EventStackSpec<I, D> {
  name: string;
  /** The topic (or `scheduler`) named in logs and audit records. */
  topic: string;
  input: ZodType<I>;
  idempotencyKey?: (input: I, message: EventMessage) => string;
  leaseMs?: number;
  handler: (args: { input: I; ctx: EventContext; deps: D }) => Promise<void>;
}

export interface EventStackOptions<D> {
  services: () => Promise<PipelineServices>;
  deps: () => Promise<D>;
  /** Where a message that can never succeed goes; without it the failure is rethrown. */
  deadLetter?: (message: EventMessage, reason: string) => Promise<void>;
}

interface Lease {
  [k: string]: unknown;
  status: "in-progress" | "done";
  leaseUntil: number;
  messageId: string;
}

/**
 * The onion every event function runs (DESIGN.md §6, the callable stack minus the end-user
 * parts): F7 config → F3 context (trace from the message attributes) → error boundary (retry on
 * `retryable`, otherwise dead-letter and acknowledge: nothing is dropped silently) → F4
 * validation → idempotency lease keyed on the message id or a natural key → F4 audit → handler.
 * The lease is a document under `idempotency/`, created once: a redelivery of a handled message
 * is acknowledged as a duplicate, one whose holder died takes the lease over after `leaseMs`.
 *
 * @example
 *   const { run, layers } = eventStack({ name: "collectAccount", topic: "collect-account", input, handler }, opts);
 *   await run(message, principal); // "done" | "duplicate" | "rejected", or throws to be retried
 */
export function eventStack<I, D>(spec: EventStackSpec<I, D>, opts: EventStackOptions<D>) {
  const leaseMs = spec.leaseMs ?? 10 * 60_000;
  if (!(leaseMs > 0)) throw new TypeError(`${spec.name}: leaseMs must be positive`);
  interface Base {
    message: EventMessage;
    principal: Principal;
  }
  type WithServices = Base & { services: PipelineServices };
  type WithLog = WithServices & { log: Logger };
  type WithInput = WithLog & { input: I };

  const config: Middleware<Base, { services: PipelineServices }> = async function withServices(_ctx, next) {
    return next({ services: await opts.services() });
  };
  const context: Middleware<WithServices, { log: Logger }> = async function withRequestContext(ctx, next) {
    const trace = parseTraceContext(ctx.message.attributes);
    const labels = { function: spec.name, message_id: ctx.message.id, topic: spec.topic };
    const { config, logSink } = ctx.services;
    const log = createLogger({ sink: logSink, level: config.logLevel, projectId: config.projectId, trace, labels });
    return runInRequestScope({ functionName: spec.name, executionId: ctx.message.id, trace, log, labels }, () => next({ log }));
  };
  const boundary: Middleware<WithLog> = async function eventErrorBoundary(ctx, next): Promise<EventOutcome> {
    try {
      return (await next({})) as EventOutcome;
    } catch (err) {
      const mapped = toCallableError(err);
      ctx.services.metrics.increment("event_failures", { function: spec.name, code: mapped.code });
      if (mapped.retryable || mapped.unexpected) {
        ctx.log.warn("event failed; will be retried", { code: mapped.code, attempt: ctx.message.deliveryAttempt, error: String(err) });
        throw err;
      }
      const reason = err instanceof AppError ? err.message : mapped.body.error.message;
      ctx.log.error("event rejected (not retryable)", { code: mapped.code, reason });
      if (!opts.deadLetter) throw err;
      await opts.deadLetter(ctx.message, reason);
      return "rejected";
    }
  };
  const validate: Middleware<WithLog, { input: I }> = async function validateMessage(ctx, next) {
    return next({ input: strictParse(spec.input, ctx.message.data) });
  };
  const idempotency: Middleware<WithInput> = async function idempotencyLease(ctx, next): Promise<EventOutcome> {
    const key = spec.idempotencyKey ? spec.idempotencyKey(ctx.input, ctx.message) : ctx.message.id;
    const path = paths.idempotencyLease(spec.name, createHash("sha256").update(key).digest("hex").slice(0, 40));
    const store = ctx.services.documents;
    const now = ctx.services.clock.now().getTime();
    const lease: Lease = { status: "in-progress", leaseUntil: now + leaseMs, messageId: ctx.message.id };
    let acquired = await store.create(path, lease);
    if (!acquired) {
      const cur = await store.get<Lease>(path);
      if (cur?.status === "done") {
        ctx.log.info("duplicate delivery skipped", { key });
        return "duplicate";
      }
      if (cur && cur.leaseUntil > now) throw new AppError("aborted", "another delivery holds the lease", { retryable: true });
      // The previous holder died: take the lease over atomically.
      const taken = await store.update<Lease>(path, (c: Lease | null) => (c && c.status !== "done" && c.leaseUntil <= now ? lease : c));
      acquired = taken?.messageId === ctx.message.id && taken.status === "in-progress";
      if (!acquired) throw new AppError("aborted", "lease taken by another delivery", { retryable: true });
    }
    try {
      await next({});
    } catch (err) {
      await store.delete(path);
      throw err;
    }
    await store.set(path, { ...lease, status: "done" });
    return "done";
  };
  const audit: Middleware<WithInput> = async function auditEvent(ctx, next) {
    const tenant = (ctx.input as { tenantId?: unknown } | null)?.tenantId;
    const t = typeof tenant === "string" && tenant ? tenant : null;
    const entry = {
      stream: t ? tenantStream(t) : PLATFORM_STREAM,
      tenantId: t ?? "-",
      actor: `service:${ctx.principal.id}`,
      action: `event:${spec.topic}:${spec.name}`,
      resource: `messages/${ctx.message.id}`,
      decision: "allow" as const,
    };
    try {
      const r = await next({});
      await ctx.services.audit.append({ ...entry, outcome: "success" });
      return r;
    } catch (err) {
      await ctx.services.audit.append({ ...entry, outcome: "failure", details: { code: toCallableError(err).code } });
      throw err;
    }
  };
  const stack = Stack.start<Base>()
    .use("F7 config", config)
    .use("F3 request context", context)
    .use("error boundary", boundary)
    .use("F4 validation", validate)
    .use("idempotency", idempotency)
    .use("F4 audit", audit);
  const composed = stack.handle(async function runHandler(ctx) {
    await spec.handler({ input: ctx.input, ctx: { name: spec.name, message: ctx.message, log: ctx.log, principal: ctx.principal }, deps: await opts.deps() });
  });
  return {
    run: async (message: EventMessage, principal: Principal) => (await composed({ message, principal })) as EventOutcome,
    layers: [...stack.names, "handler"] as readonly string[],
  };
}

/**
 * The door of an event function served over HTTP (a Pub/Sub push, a Cloud Scheduler call): POST
 * only, with a Google OIDC token of an allowed service account. Answers 405 or 401 itself and
 * returns null when the call may not go on.
 */
export async function admitServiceCall(
  services: () => Promise<PipelineServices>,
  req: HttpRequestLike,
  res: HttpResponseLike,
): Promise<Principal | null> {
  if (req.method !== "POST") {
    res.status(405);
    res.end();
    return null;
  }
  const s = await services();
  try {
    return await s.authenticate(req.headers, ["oidc"]);
  } catch {
    res.status(401);
    res.end();
    return null;
  }
}

/** Checks an event function's name and topic when it is declared, not when the first message comes. */
export function checkEventSpec(kind: string, name: string, topic: string): void {
  if (!/^[a-z][A-Za-z0-9]{2,62}$/.test(name)) throw new TypeError(`${kind}: bad name ${name}`);
  if (!/^[a-z][a-z0-9.-]{2,100}$/.test(topic)) throw new TypeError(`${kind}(${name}): bad topic ${topic}`);
}
