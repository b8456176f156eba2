import { describe, expect, it, vi } from "vitest";
import { createProviderRegistry } from "#foundation/infrastructure/provider-registry.js";

describe("createProviderRegistry", () => {
  it("builds each provider lazily, once", () => {
    // Prepare
    const registry = createProviderRegistry<{ name: string }>();
    const awsFactory = vi.fn(() => ({ name: "aws-client" }));
    const gcpFactory = vi.fn(() => ({ name: "gcp-client" }));
    registry.register("aws", awsFactory);
    registry.register("gcp", gcpFactory);
    // Act
    const first = registry.get("aws");
    const second = registry.get("aws");
    // Assess
    expect(first).toBe(second);
    expect(awsFactory).toHaveBeenCalledTimes(1);
    expect(gcpFactory).not.toHaveBeenCalled();
    expect(registry.list()).toEqual(["aws", "gcp"]);
  });

  it("names the registered providers when an unknown one is asked for", () => {
    const registry = createProviderRegistry<number>();
    registry.register("aws", () => 1);

    expect(() => registry.get("oracle")).toThrow('unknown provider "oracle"; registered: aws');
  });

  it("refuses duplicate and empty names", () => {
    const registry = createProviderRegistry<number>();
    registry.register("aws", () => 1);

    expect(() => registry.register("aws", () => 2)).toThrow(/already registered/);
    expect(() => registry.register("", () => 2)).toThrow(TypeError);
  });

  it("retries a factory that threw on the next get", () => {
    const registry = createProviderRegistry<string>();
    let calls = 0;
    registry.register("flaky", () => {
      calls += 1;
      if (calls === 1) throw new Error("no credentials yet");
      return "client";
    });

    expect(() => registry.get("flaky")).toThrow("no credentials yet");
    expect(registry.get("flaky")).toBe("client");
  });
});
