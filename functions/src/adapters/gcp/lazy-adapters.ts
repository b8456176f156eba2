import type { CostWarehouse } from "#domain/billing/ports.js";
import { AppError } from "#kernel/errors.js";
import type { EventBus, MessageHandler, SecretStore } from "#kernel/ports.js";
import type { ClosableStore } from "../local/local-runtime.js";

/**
 * Adapters of the `gcp` runtime whose SDK is imported on first use, not when the instance builds
 * its deps: a function that never reads the ledger, a secret or publishes does not load the
 * BigQuery, Secret Manager or Pub/Sub client at all. Importing each of those clients costs a cold
 * start more than a bare functions-framework handler takes to answer (measured in fresh processes
 * by bench/gcp/cold-start.ts; figures in docs/performance.md).
 *
 * Each wrapper makes its adapter once; a failed make is forgotten, so the next call retries it and
 * reports its own error. Closing one that was never made does nothing.
 */
class Lazy<T> {
  private pending: Promise<T> | undefined;
  private made: T | undefined;

  constructor(private readonly make: () => Promise<T>) {}

  get(): Promise<T> {
    this.pending ??= this.make().then(
      (v) => {
        this.made = v;
        return v;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }

  /** The adapter if it was made; undefined otherwise (nothing to close). */
  current(): T | undefined {
    return this.made;
  }

  /** The adapter being made or made, if anything asked for it; a failed make counts as nothing. */
  async started(): Promise<T | undefined> {
    return this.pending?.catch(() => undefined);
  }
}

/** Each wrapper's Lazy, for {@link adapterBehind}. */
const behind = new WeakMap<object, Lazy<unknown>>();

function register<W extends object>(wrapper: W, lazy: Lazy<unknown>): W {
  behind.set(wrapper, lazy);
  return wrapper;
}

/**
 * The adapter a lazy wrapper stands for, made now if it was not yet (building one opens no
 * connection); any other value is returned as it is. For tests and diagnostics.
 */
export function adapterBehind(value: object): Promise<unknown> {
  return behind.get(value)?.get() ?? Promise.resolve(value);
}

/** A CostWarehouse (and the runtime's closable store) that builds the real one on first use. */
export function lazyWarehouse(make: () => Promise<CostWarehouse & ClosableStore>): CostWarehouse & ClosableStore {
  const lazy = new Lazy(make);
  return register({
    upsert: async (tenantId, records) => (await lazy.get()).upsert(tenantId, records),
    replaceWindow: async (scope, window, records) => (await lazy.get()).replaceWindow(scope, window, records),
    queryDaily: async (tenantId, query) => (await lazy.get()).queryDaily(tenantId, query),
    totals: async (tenantId, window) => (await lazy.get()).totals(tenantId, window),
    days: async (tenantId) => (await lazy.get()).days(tenantId),
    close: async () => {
      await lazy.current()?.close();
    },
    closeNow: () => {
      lazy.current()?.closeNow();
    },
  }, lazy);
}

/** A SecretStore that builds the real one on first use. */
export function lazySecretStore(make: () => Promise<SecretStore>): SecretStore {
  const lazy = new Lazy(make);
  return register<SecretStore>({
    get: async (name) => (await lazy.get()).get(name),
    put: async (name, value) => (await lazy.get()).put(name, value),
    delete: async (name) => (await lazy.get()).delete(name),
  }, lazy);
}

/**
 * An EventBus that opens the Pub/Sub client on the first publish. `drain` and `close` of a bus that
 * never published have nothing to wait for. `subscribe` is refused as the Pub/Sub bus refuses it:
 * deployed functions receive through push subscriptions.
 */
export function lazyBus(make: () => Promise<EventBus>): EventBus {
  const lazy = new Lazy(make);
  return register<EventBus>({
    publish: async <T>(topic: string, data: T, attributes?: Record<string, string>) => (await lazy.get()).publish(topic, data, attributes),
    subscribe: <T>(topic: string, _handler: MessageHandler<T>) => {
      throw new AppError(
        "unimplemented",
        `the gcp runtime's bus cannot subscribe to ${topic}: event functions receive Pub/Sub messages through push subscriptions to their HTTP endpoints`,
      );
    },
    // A publish whose client is still being opened is waited for too.
    drain: async () => {
      await (await lazy.started())?.drain();
    },
    close: async () => {
      await (await lazy.started())?.close();
    },
  }, lazy);
}
