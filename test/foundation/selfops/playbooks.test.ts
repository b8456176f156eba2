import { BrokenCircuitError } from "cockatiel";
import { describe, expect, it, vi } from "vitest";
import {
  boundedRetryPlaybook,
  createPlaybookRegistry,
  openCircuitCooldownPlaybook,
  registerPlaybook,
  replayFromDeadLetterPlaybook,
  runPlaybooks,
} from "#foundation/selfops/playbooks.js";

function registryWithBuiltIns(replay = vi.fn(async () => 3)) {
  const registry = createPlaybookRegistry();
  registry.registerPlaybook(boundedRetryPlaybook({ maxAttempts: 3, baseMs: 100, maxMs: 150 }));
  registry.registerPlaybook(openCircuitCooldownPlaybook({ cooldownMs: 30_000 }));
  registry.registerPlaybook(replayFromDeadLetterPlaybook({ replay }));
  return { registry, replay };
}

describe("playbooks", () => {
  it.each([
    { attempt: 1, outcome: { status: "retry", retryAfterMs: 100 } },
    { attempt: 2, outcome: { status: "retry", retryAfterMs: 150 } },
    { attempt: 3, outcome: { status: "dead-letter", detail: "gave up after 3 attempts" } },
  ])("bounded retry at attempt $attempt gives $outcome.status", async ({ attempt, outcome }) => {
    const { registry } = registryWithBuiltIns();

    const runs = await registry.runPlaybooks({ type: "operation.failed", attempt, error: new Error("503") });

    expect(runs).toEqual([{ name: "bounded-retry", outcome }]);
  });

  it("sends a non-retryable failure to dead letter at once", async () => {
    const { registry } = registryWithBuiltIns();

    const runs = await registry.runPlaybooks({ type: "operation.failed", attempt: 1, error: { retryable: false } });

    expect(runs[0]?.outcome.status).toBe("dead-letter");
  });

  it.each([
    { signal: { type: "circuit.open", source: "aws" } },
    { signal: { type: "operation.failed", source: "aws", attempt: 1, error: new BrokenCircuitError() } },
  ])("defers work while a circuit is open ($signal.type)", async ({ signal }) => {
    const { registry } = registryWithBuiltIns();

    const runs = await registry.runPlaybooks(signal);

    expect(runs.find((r) => r.name === "open-circuit-cooldown")?.outcome).toEqual({
      status: "defer",
      retryAfterMs: 30_000,
      detail: "circuit for aws is open",
    });
  });

  it("replays from dead letter through the callback when a circuit closes", async () => {
    const { registry, replay } = registryWithBuiltIns();

    const runs = await registry.runPlaybooks({ type: "circuit.closed", source: "gcp" });

    expect(replay).toHaveBeenCalledWith({ type: "circuit.closed", source: "gcp" });
    expect(runs).toEqual([
      { name: "replay-from-dead-letter", outcome: { status: "resolved", detail: "replayed 3 message(s) for gcp" } },
    ]);
  });

  it("turns a throwing playbook into a failed outcome and keeps running the others", async () => {
    const registry = createPlaybookRegistry();
    registry.registerPlaybook({
      name: "broken",
      trigger: () => true,
      run: async () => {
        throw new Error("playbook bug");
      },
    });
    registry.registerPlaybook({ name: "fine", trigger: () => true, run: async () => ({ status: "resolved" }) });
    registry.registerPlaybook({
      name: "bad-trigger",
      trigger: () => {
        throw new Error("x");
      },
      run: async () => ({ status: "resolved" }),
    });

    const runs = await registry.runPlaybooks({ type: "anything" });

    expect(runs).toEqual([
      { name: "broken", outcome: { status: "failed", detail: "playbook bug" } },
      { name: "fine", outcome: { status: "resolved" } },
    ]);
  });

  it("returns nothing for a signal no playbook handles, and refuses duplicate names", async () => {
    const { registry } = registryWithBuiltIns();

    expect(await registry.runPlaybooks({ type: "unknown" })).toEqual([]);
    expect(() => registry.registerPlaybook(boundedRetryPlaybook({ maxAttempts: 1, baseMs: 1, maxMs: 1 }))).toThrow(
      /already registered/,
    );
    expect(registry.list()).toEqual(["bounded-retry", "open-circuit-cooldown", "replay-from-dead-letter"]);
  });

  it("offers a process-wide registry", async () => {
    registerPlaybook({ name: "test-global", trigger: (s) => s.type === "test.global", run: async () => ({ status: "resolved" }) });

    expect(await runPlaybooks({ type: "test.global" })).toEqual([{ name: "test-global", outcome: { status: "resolved" } }]);
  });
});
