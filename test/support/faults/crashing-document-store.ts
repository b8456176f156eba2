import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { currentScope, type RequestScope } from "#foundation/observability/request-context.js";
import { AppError } from "#kernel/errors.js";
import type { DocumentStore } from "#kernel/ports.js";

/**
 * A DocumentStore that makes a seeded share of event-handler invocations crash midway: right
 * after the handler's first write has landed, the invocation throws, as if its instance had died
 * there. An invocation is one request scope of the pipeline (foundation/observability/request-
 * context.ts), so the store knows which function and message each write belongs to. The
 * pipeline's own writes (the idempotency lease, the audit chain, dead-letter records) are not the
 * handler's and never crash; they do tell which crashed messages were later handled to the end
 * (the lease marked done) or given up on (a dead-letter record).
 *
 * The crash is an exception, not a killed process: the lease is released at once and Pub/Sub
 * redelivers after its backoff, which keeps a test short. A message crashes at most `maxPerMessage`
 * times, fewer than its delivery attempts, so that crashes alone never exhaust them.
 */
export interface CrashPlan {
  /** Share of handler invocations that crash, 0 to 1. */
  rate: number;
  seed: number;
  maxPerMessage: number;
}

export interface CrashLog {
  /** Handler invocations that wrote at least once (each drew whether to crash). */
  invocations: number;
  /** `function message-id` of every crash, in order (a message may crash more than once). */
  crashes: string[];
  /** `function message-id` of every message its function handled to the end (lease marked done). */
  completed: Set<string>;
  /** `function message-id` of every message its function gave up on (a dead-letter record written). */
  deadLettered: Set<string>;
}

const WRITES = new Set(["set", "setMany", "create", "delete", "update", "updateWithWrites"]);
const PIPELINE_PATH = /^(idempotency|audit_heads|audit_streams|dead_letters)\//;

function firstPath(method: string, args: unknown[]): string {
  if (method === "setMany") return String((args[0] as { path?: unknown }[] | undefined)?.[0]?.path ?? "");
  return String(args[0] ?? "");
}

export function crashingDocumentStore(inner: DocumentStore, plan: CrashPlan): { store: DocumentStore; log: CrashLog } {
  const rng = xoroshiro128plus(plan.seed);
  const decided = new WeakSet<RequestScope>();
  const crashesOf = new Map<string, number>();
  const log: CrashLog = { invocations: 0, crashes: [], completed: new Set(), deadLettered: new Set() };

  function afterWrite(method: string, args: unknown[]): void {
    const scope = currentScope();
    if (!scope) return;
    const key = `${scope.functionName} ${scope.executionId}`;
    const path = firstPath(method, args);
    if (PIPELINE_PATH.test(path)) {
      if (path.startsWith("idempotency/") && (args[1] as { status?: unknown } | undefined)?.status === "done") log.completed.add(key);
      if (path.startsWith("dead_letters/")) log.deadLettered.add(key);
      return;
    }
    if (decided.has(scope)) return;
    decided.add(scope);
    log.invocations++;
    const n = crashesOf.get(key) ?? 0;
    if (n >= plan.maxPerMessage || uniformFloat64(rng) >= plan.rate) return;
    crashesOf.set(key, n + 1);
    log.crashes.push(key);
    throw new AppError("unavailable", `injected crash after the first write of ${key} (${path})`, { retryable: true });
  }

  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      const method = String(prop);
      if (!WRITES.has(method)) return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        afterWrite(method, args);
        return result;
      };
    },
  });
  return { store, log };
}
