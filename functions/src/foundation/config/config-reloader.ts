import { type Clock, systemClock } from "#kernel/ports.js";
import type { AppConfig } from "./config-schema.js";

/**
 * Hot reload on a TTL (issue 4): `get` returns the cached config until it is `ttlMs` old, then
 * loads again. A failed reload keeps serving the last good config (and retries after another
 * TTL); only a failure of the very first load is thrown. Concurrent callers share one load.
 */
export interface ConfigReloader {
  get(): Promise<AppConfig>;
  /** Error of the last failed reload, if the current config is stale because of it. */
  lastError(): unknown;
}

export function createConfigReloader(
  load: () => Promise<AppConfig>,
  opts: { ttlMs: number; clock?: Clock; onReloadError?: (e: unknown) => void },
): ConfigReloader {
  const clock = opts.clock ?? systemClock;
  if (!(opts.ttlMs >= 0)) throw new RangeError("ttlMs must be >= 0");
  let current: AppConfig | undefined;
  let loadedAtMs = 0;
  let pending: Promise<AppConfig> | undefined;
  let lastError: unknown;

  async function reload(): Promise<AppConfig> {
    try {
      const next = await load();
      current = next;
      lastError = undefined;
      return next;
    } catch (e) {
      if (current === undefined) throw e;
      lastError = e;
      opts.onReloadError?.(e);
      return current;
    } finally {
      // A failure also waits a TTL before the next try, so a broken source is not hammered.
      loadedAtMs = clock.now().getTime();
      pending = undefined;
    }
  }

  return {
    async get() {
      if (current !== undefined && clock.now().getTime() - loadedAtMs < opts.ttlMs) return current;
      pending ??= reload();
      return pending;
    },
    lastError: () => lastError,
  };
}
