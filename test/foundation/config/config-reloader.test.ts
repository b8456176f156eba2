import { describe, expect, it, vi } from "vitest";
import type { AppConfig } from "#foundation/config/config-schema.js";
import { createConfigReloader } from "#foundation/config/config-reloader.js";
import { FakeClock } from "../secops/fake-clock.js";

const cfg = (n: number) => ({ env: `v${n}` }) as unknown as AppConfig;

describe("createConfigReloader", () => {
  it("serves the cached config until the TTL passes, then reloads", async () => {
    // Prepare
    const clock = new FakeClock();
    let version = 0;
    const load = vi.fn(async () => cfg(++version));
    const reloader = createConfigReloader(load, { ttlMs: 60_000, clock });
    // Act
    const first = await reloader.get();
    clock.advance(59_999);
    const cached = await reloader.get();
    clock.advance(1);
    const reloaded = await reloader.get();
    // Assess
    expect([first.env, cached.env, reloaded.env]).toEqual(["v1", "v1", "v2"]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("keeps the last good config when a reload fails, and tries again after another TTL", async () => {
    const clock = new FakeClock();
    const results: (() => Promise<AppConfig>)[] = [
      async () => cfg(1),
      async () => {
        throw new Error("bad yaml");
      },
      async () => cfg(3),
    ];
    const onReloadError = vi.fn();
    const reloader = createConfigReloader(() => (results.shift() as () => Promise<AppConfig>)(), {
      ttlMs: 1_000,
      clock,
      onReloadError,
    });

    await reloader.get();
    clock.advance(1_000);
    const duringFailure = await reloader.get();
    const errorSeen = reloader.lastError();
    clock.advance(500);
    const stillCached = await reloader.get();
    clock.advance(500);
    const recovered = await reloader.get();

    expect(duringFailure.env).toBe("v1");
    expect(errorSeen).toBeInstanceOf(Error);
    expect(onReloadError).toHaveBeenCalledTimes(1);
    expect(stillCached.env).toBe("v1");
    expect(recovered.env).toBe("v3");
    expect(reloader.lastError()).toBeUndefined();
  });

  it("throws when the very first load fails, and retries on the next get", async () => {
    const load = vi
      .fn<() => Promise<AppConfig>>()
      .mockRejectedValueOnce(new Error("no base.yaml"))
      .mockResolvedValueOnce(cfg(1));
    const reloader = createConfigReloader(load, { ttlMs: 1_000, clock: new FakeClock() });

    await expect(reloader.get()).rejects.toThrow("no base.yaml");
    await expect(reloader.get()).resolves.toMatchObject({ env: "v1" });
  });

  it("shares one load between concurrent callers", async () => {
    const load = vi.fn(async () => cfg(1));
    const reloader = createConfigReloader(load, { ttlMs: 1_000, clock: new FakeClock() });

    await Promise.all(Array.from({ length: 20 }, () => reloader.get()));

    expect(load).toHaveBeenCalledTimes(1);
  });
});
