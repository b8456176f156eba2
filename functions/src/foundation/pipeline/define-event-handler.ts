import { type Principal, servicePrincipal } from "../iam/model.js";
import { BODY_LIMITS } from "./body-limits.js";
import type { HttpResponseLike } from "./callable-protocol.js";
import type { HttpRequestLike } from "./context.js";
import { admitServiceCall, checkEventSpec, type EventMessage, type EventOutcome, type EventStackOptions, type EventStackSpec, eventStack } from "./event-stack.js";

/** What a Pub/Sub function declares: its name, topic, strict message schema, idempotency key and handler. */
export type EventHandlerSpec<I, D> = EventStackSpec<I, D>;

/** An event function: call it with a delivered message (the in-process bus), or serve `push`. */
export type EventFunction = ((message: EventMessage) => Promise<EventOutcome>) & {
  readonly eventName: string;
  readonly topic: string;
  readonly layers: readonly string[];
  /** HTTP endpoint for a Pub/Sub push subscription: Google OIDC token required. */
  readonly push: (req: HttpRequestLike, res: HttpResponseLike) => Promise<void>;
};

const BUS_PRINCIPAL: Principal = servicePrincipal("in-process-bus");

interface PushBody {
  message?: { data?: string; attributes?: Record<string, string>; messageId?: string; publishTime?: string };
  deliveryAttempt?: number;
}

/** Decodes a Pub/Sub push request; data that is not JSON is handed on as a poison marker to be dead-lettered. */
function decodePush(topic: string, body: unknown): EventMessage | null {
  const m = (body as PushBody | undefined)?.message;
  if (!m?.messageId || typeof m.messageId !== "string") return null;
  let data: unknown = null;
  try {
    data = m.data ? JSON.parse(Buffer.from(m.data, "base64").toString("utf8")) : null;
  } catch {
    data = { __undecodable: true };
  }
  const attempt = (body as PushBody).deliveryAttempt;
  return {
    id: m.messageId,
    topic,
    data,
    attributes: m.attributes ?? {},
    deliveryAttempt: typeof attempt === "number" && attempt >= 1 ? attempt : 1,
    publishedAt: m.publishTime ?? new Date(0).toISOString(),
  };
}

/**
 * Declares a Pub/Sub-triggered function (DESIGN.md §6): the event onion of event-stack.ts around
 * `handler`. The result runs a delivered message directly (the in-process bus subscribes it) and
 * serves a push subscription over HTTP (`push`, registered with functions-framework under `name`),
 * where only a Google OIDC token of an allowed service account is accepted. Any 2xx acknowledges;
 * a failure worth retrying answers 500, so Pub/Sub redelivers and, after the subscription's
 * attempts, forwards to the dead-letter topic.
 *
 * @example
 *   export const collectAccount = defineEventHandler({
 *     name: "collectAccount", topic: "collect-account", input: CollectAccountMessage,
 *     handler: async ({ input, deps }) => collect(deps.nightly, input),
 *   });
 */
export function makeDefineEventHandler<D>(
  opts: EventStackOptions<D> & { register?: (name: string, fn: (req: never, res: never) => unknown) => void },
) {
  return function defineEventHandler<I>(spec: EventHandlerSpec<I, D>): EventFunction {
    checkEventSpec("defineEventHandler", spec.name, spec.topic);
    const { run, layers } = eventStack(spec, opts);
    const handle = async function handleMessage(message: EventMessage): Promise<EventOutcome> {
      return run(message, BUS_PRINCIPAL);
    };
    const push = async function servePush(req: HttpRequestLike, res: HttpResponseLike): Promise<void> {
      const principal = await admitServiceCall(opts.services, req, res);
      if (!principal) return;
      const message = decodePush(spec.topic, req.body);
      if (!message) {
        res.status(400);
        res.end();
        return;
      }
      try {
        await run(message, principal);
        res.status(204);
      } catch {
        // Any non-2xx makes Pub/Sub redeliver (and dead-letter after max attempts).
        res.status(500);
      }
      res.end();
    };
    Object.assign(push, { maxBodyBytes: BODY_LIMITS.event });
    const fn = Object.assign(handle, { eventName: spec.name, topic: spec.topic, layers, push });
    opts.register?.(spec.name, push as (req: never, res: never) => unknown);
    return fn;
  };
}
