import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Principal, servicePrincipal } from "../iam/model.js";
import type { HttpResponseLike } from "./callable-protocol.js";
import type { HttpRequestLike } from "./context.js";
import { admitServiceCall, checkEventSpec, type EventContext, type EventOutcome, type EventStackOptions, eventStack } from "./event-stack.js";

/** What a scheduled run receives: the time the schedule fired. */
export const ScheduledTick = z.object({ scheduledAt: z.iso.datetime({ offset: true }) }).strict();
export type ScheduledTick = z.infer<typeof ScheduledTick>;

export interface ScheduledHandlerSpec<D> {
  name: string;
  /** Cloud Scheduler cron expression (unix-cron format), e.g. "*\/10 * * * *". */
  schedule: string;
  /** IANA time zone the schedule is read in; default "Etc/UTC". */
  timeZone?: string;
  leaseMs?: number;
  handler: (args: { input: ScheduledTick; ctx: EventContext; deps: D }) => Promise<void>;
}

/** A scheduled function: `run()` for the local runtime, `http` for Cloud Scheduler. */
export type ScheduledFunction = ((tick?: Partial<ScheduledTick>) => Promise<EventOutcome>) & {
  readonly eventName: string;
  readonly schedule: string;
  readonly timeZone: string;
  readonly layers: readonly string[];
  readonly http: (req: HttpRequestLike, res: HttpResponseLike) => Promise<void>;
};

const LOCAL_PRINCIPAL: Principal = servicePrincipal("local-scheduler");
const SCHEDULE_TIME_HEADER = "x-cloudscheduler-scheduletime";

/** Five fields of unix-cron, each from its allowed characters; Cloud Scheduler checks the rest. */
const CRON = /^(\S+\s+){4}\S+$/;
const CRON_FIELD = /^[\d*,/-]+$/;

function headerOf(req: HttpRequestLike, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The scheduled twin of defineEventHandler: the same onion (config, context, error boundary,
 * idempotency, audit), fired by Cloud Scheduler over HTTP with a Google OIDC token, or run directly
 * by the local runtime. Idempotency is keyed on the schedule time Cloud Scheduler sends
 * (`X-CloudScheduler-ScheduleTime`), so a retried or duplicated firing runs once. A failure worth
 * retrying answers 500 (Cloud Scheduler retries per the job's retry config); any other failure is
 * logged, audited and answered 200, since repeating it cannot help.
 *
 * @example
 *   export const retryPendingAlerts = defineScheduledHandler({
 *     name: "retryPendingAlerts", schedule: "*\/10 * * * *",
 *     handler: async ({ deps }) => { await deps.dispatcher.retryPending(); },
 *   });
 */
export function makeDefineScheduledHandler<D>(
  opts: EventStackOptions<D> & { register?: (name: string, fn: (req: never, res: never) => unknown) => void },
) {
  return function defineScheduledHandler(spec: ScheduledHandlerSpec<D>): ScheduledFunction {
    checkEventSpec("defineScheduledHandler", spec.name, "scheduler");
    const fields = spec.schedule.trim().split(/\s+/);
    if (!CRON.test(spec.schedule.trim()) || !fields.every((f) => CRON_FIELD.test(f))) {
      throw new TypeError(`defineScheduledHandler(${spec.name}): schedule must be five unix-cron fields, got ${JSON.stringify(spec.schedule)}`);
    }
    const timeZone = spec.timeZone ?? "Etc/UTC";
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      throw new TypeError(`defineScheduledHandler(${spec.name}): unknown time zone ${timeZone}`);
    }
    const { run, layers } = eventStack(
      { name: spec.name, topic: "scheduler", input: ScheduledTick, idempotencyKey: (t) => `${spec.name}@${t.scheduledAt}`, leaseMs: spec.leaseMs, handler: spec.handler },
      // A scheduled run has no topic to dead-letter to: a failure that cannot succeed is logged
      // and audited by the stack, and the run counts as handled, so Cloud Scheduler does not retry it.
      { services: opts.services, deps: opts.deps, deadLetter: async () => {} },
    );
    const tickMessage = (scheduledAt: string, id: string) => ({
      id,
      topic: "scheduler",
      data: { scheduledAt },
      attributes: {},
      deliveryAttempt: 1,
      publishedAt: scheduledAt,
    });
    const runNow = async function runScheduled(tick: Partial<ScheduledTick> = {}): Promise<EventOutcome> {
      const scheduledAt = tick.scheduledAt ?? new Date().toISOString();
      return run(tickMessage(scheduledAt, randomUUID()), LOCAL_PRINCIPAL);
    };
    const http = async function serveSchedulerRequest(req: HttpRequestLike, res: HttpResponseLike): Promise<void> {
      const principal = await admitServiceCall(opts.services, req, res);
      if (!principal) return;
      const header = headerOf(req, SCHEDULE_TIME_HEADER);
      const scheduledAt = header && !Number.isNaN(Date.parse(header)) ? new Date(header).toISOString() : new Date().toISOString();
      try {
        await run(tickMessage(scheduledAt, randomUUID()), principal);
        res.status(200);
      } catch {
        res.status(500);
      }
      res.end();
    };
    const fn = Object.assign(runNow, { eventName: spec.name, schedule: spec.schedule, timeZone, layers, http });
    opts.register?.(spec.name, http as (req: never, res: never) => unknown);
    return fn;
  };
}
