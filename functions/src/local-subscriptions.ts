import type { EventFunction } from "#foundation/pipeline/define-event-handler.js";
import type { EventOutcome } from "#foundation/pipeline/event-stack.js";
import type { EventBus } from "#kernel/ports.js";
import { loadAllEntryPoints } from "./entry-points.js";

/** Told about each delivery an event function settled: its outcome, or `failed` when it threw (to be retried). */
export type DeliveryObserver = (fn: EventFunction, outcome: EventOutcome | "failed") => void | Promise<void>;

function isEventFunction(fn: unknown): fn is EventFunction {
  return typeof fn === "function" && typeof (fn as Partial<EventFunction>).topic === "string" && typeof (fn as Partial<EventFunction>).push === "function";
}

/**
 * Subscribes every deployed event function of the one list (entry-points.ts) to its topic on a
 * bus, as Pub/Sub push subscriptions do in Google Cloud: the local runtime's nightly is these very
 * functions. A delivery that throws is left to the bus to retry and dead-letter.
 *
 * @example
 *   const names = await subscribeEventFunctions(deps.bus);
 *   await deps.bus.publish("nightly-collect", { runDate: "2026-11-20" });
 *   await deps.bus.drain();
 */
export async function subscribeEventFunctions(bus: EventBus, observe?: DeliveryObserver): Promise<string[]> {
  const fns = Object.values(await loadAllEntryPoints()).filter(isEventFunction);
  for (const fn of fns) {
    bus.subscribe(fn.topic, async (message) => {
      let outcome: EventOutcome;
      try {
        outcome = await fn(message);
      } catch (err) {
        await observe?.(fn, "failed");
        throw err;
      }
      await observe?.(fn, outcome);
    });
  }
  return fns.map((f) => f.eventName);
}
