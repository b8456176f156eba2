import { createHash } from "node:crypto";
import type { ZodType } from "zod";
import { type Principal, servicePrincipal } from "../iam/model.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { runInRequestScope } from "../observability/request-context.js";
import { parseTraceContext } from "../observability/trace-context.js";
import { PLATFORM_STREAM, tenantStream } from "../secops/audit-log.js";
import { strictParse } from "../secops/strict-parse.js";
import type { HttpResponseLike } from "./callable-protocol.js";
import type { HttpRequestLike } from "./context.js";
import { AppError } from "#kernel/errors.js";
import { toCallableError } from "./callable-errors.js";
import { type Middleware, Stack } from "./middleware.js";
import type { PipelineServices } from "./services.js";

/** A delivered message (the EventBus port's BusMessage shape, or a decoded Pub/Sub push). */
export interface EventMessage {
  id: string;
  topic: string;
  data: unknown;
  attributes: Record<string, string>;
  deliveryAttempt: number;
  publishedAt: string;
}

export interface EventContext {
  name: string;
  message: EventMessage;
  log: Logger;
  principal: Principal;
}

export interface EventHandlerSpec<I, D> {
  name: string;
  topic: string;
  /** Strict zod schema of the message data. */
  input: ZodType<I>;
  /** Natural key for idempotency; default the message id (Pub/Sub redelivers the same id). */
  idempotencyKey?: (input: I, message: EventMessage) => string;
  /** How long a delivery holds the idempotency lease before another may take over; default 10 min. */
  leaseMs?: number;
  handler: (args: { input: I; ctx: EventContext; deps: D }) => Promise<void>;
}

/** done: handled now; duplicate: already handled; rejected: not retryable, dead-lettered or logged. */
export type EventOutcome = "done" | "duplicate" | "rejected";

export type EventFunction = ((message: EventMessage) => Promise<EventOutcome>) & {
  readonly eventName: string;
  readonly topic: string;
  readonly layers: readonly string[];
  /** HTTP endpoint for a Pub/Sub push subscription: Google OIDC token required. */
  readonly push: (req: HttpRequestLike, res: HttpResponseLike) => Promise<void>;
};

interface Lease {
  [k: string]: unknown;
  status: "in-progress" | "done";
  leaseUntil: number;
  messageId: string;
}

const BUS_PRINCIPAL: Principal = servicePrincipal("in-process-bus");

/**
 * Event handlers run the same onion as callables minus the end-user parts (DESIGN.md §6):
 * F7 config → F3 context (trace from the message attributes) → error boundary (retry on
 * `retryable`, otherwise dead-letter and acknowledge: nothing is dropped silently) → F1 (OIDC for
 * push) → F4 validation → idempotency lease keyed on the message id or a natural key → handler
 * → F4 audit.
 *
 * @example
 *   export const collectAccount = defineEventHandler({
 *     name: "collectAccount", topic: "collect-account", input: CollectMessage,
 *     idempotencyKey: (m) => `${m.tenantId}/${m.accountId}/${m.window.start}`,
 *     handler: async ({ input, deps }) => deps.collector.collect(input),
 *   });
 */
export function makeDefineEventHandler<D>(opts: {
  services: () => Promise<PipelineServices>;
  deps: () => Promise<D>;
  deadLetter?: (message: EventMessage, reason: string) => Promise<void>;
}) {
  return function defineEventHandler<I>(spec: EventHandlerSpec<I, D>): EventFunction {
    if (!/^[a-z][A-Za-z0-9]{2,62}$/.test(spec.name)) throw new TypeError(`defineEventHandler: bad name ${spec.name}`);
    if (!/^[a-z][a-z0-9.-]{2,100}$/.test(spec.topic)) throw new TypeError(`defineEventHandler(${spec.name}): bad topic ${spec.topic}`);
    const leaseMs = spec.leaseMs ?? 10 * 60_000;
    interface Base {
      message: EventMessage;
      principal: Principal;
    }
    type WithServices = Base & { services: PipelineServices };
    type WithLog = WithServices & { log: Logger };
    type WithInput = WithLog & { input: I };
    const config: Middleware<Base, { services: PipelineServices }> = async (_ctx, next) => next({ services: await opts.services() });
    const context: Middleware<WithServices, { log: Logger }> = async (ctx, next) => {
        const trace = parseTraceContext(ctx.message.attributes);
        const labels = { function: spec.name, message_id: ctx.message.id, topic: spec.topic };
        const { config, logSink } = ctx.services;
        const log = createLogger({ sink: logSink, level: config.logLevel, projectId: config.projectId, trace, labels });
        return runInRequestScope({ functionName: spec.name, executionId: ctx.message.id, trace, log, labels }, () => next({ log }));
      };
    const boundary: Middleware<WithLog> = async (ctx, next): Promise<EventOutcome> => {
        try {
          return (await next({})) as EventOutcome;
        } catch (err) {
          const mapped = toCallableError(err);
          ctx.services.metrics.increment("event_failures", { function: spec.name, code: mapped.code });
          if (mapped.retryable || mapped.unexpected) {
            ctx.log.warn("event failed; will be retried", { code: mapped.code, attempt: ctx.message.deliveryAttempt, error: String(err) });
            throw err;
          }
          ctx.log.error("event rejected (not retryable)", { code: mapped.code, reason: mapped.body.error.message });
          if (!opts.deadLetter) throw err;
          await opts.deadLetter(ctx.message, mapped.body.error.message);
          return "rejected";
        }
      };
    const validate: Middleware<WithLog, { input: I }> = async (ctx, next) => next({ input: strictParse(spec.input, ctx.message.data) });
    const idempotency: Middleware<WithInput> = async (ctx, next): Promise<EventOutcome> => {
        const key = spec.idempotencyKey ? spec.idempotencyKey(ctx.input, ctx.message) : ctx.message.id;
        const path = `idempotency/${spec.name}~${createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
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
    const audit: Middleware<WithInput> = async (ctx, next) => {
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
    const run = stack.handle(async (ctx) => {
      await spec.handler({ input: ctx.input, ctx: { name: spec.name, message: ctx.message, log: ctx.log, principal: ctx.principal }, deps: await opts.deps() });
    });
    const handle = async (message: EventMessage) => (await run({ message, principal: BUS_PRINCIPAL })) as EventOutcome;

    const push = async (req: HttpRequestLike, res: HttpResponseLike) => {
      const s = await opts.services();
      let principal: Principal;
      try {
        principal = await s.authenticate(req.headers, ["oidc"]);
      } catch {
        res.status(401);
        res.end();
        return;
      }
      const body = req.body as { message?: { data?: string; attributes?: Record<string, string>; messageId?: string; publishTime?: string }; deliveryAttempt?: number } | undefined;
      const m = body?.message;
      if (!m?.messageId) {
        res.status(400);
        res.end();
        return;
      }
      let data: unknown = null;
      try {
        data = m.data ? JSON.parse(Buffer.from(m.data, "base64").toString("utf8")) : null;
      } catch {
        data = { __undecodable: true };
      }
      const message: EventMessage = {
        id: m.messageId,
        topic: spec.topic,
        data,
        attributes: m.attributes ?? {},
        deliveryAttempt: body?.deliveryAttempt ?? 1,
        publishedAt: m.publishTime ?? new Date(0).toISOString(),
      };
      try {
        await run({ message, principal });
        res.status(204);
      } catch {
        // Any non-2xx makes Pub/Sub redeliver (and dead-letter after max attempts).
        res.status(500);
      }
      res.end();
    };
    return Object.assign(handle, { eventName: spec.name, topic: spec.topic, layers: [...stack.names, "handler"], push });
  };
}
