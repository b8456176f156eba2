import { afterEach, describe, expect, it, vi } from "vitest";
import { DeliveryLedger } from "#adapters/emulators/delivery-ledger.js";

/** The count of push deliveries still owed, which decides when a nightly on the emulators is over. */
describe("DeliveryLedger", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const settled = async (p: Promise<void>) => {
    let done = false;
    void p.then(() => {
      done = true;
    });
    await new Promise((r) => setImmediate(r));
    return done;
  };

  it("owes one delivery per push subscription of the topic until each is acknowledged", async () => {
    // Prepare
    const ledger = new DeliveryLedger();
    ledger.route("alerts", 2);
    ledger.publishStarted();
    ledger.publishEnded("alerts", "7");
    const idle = ledger.idle();
    // Act
    ledger.acknowledged("7");
    const afterOne = await settled(idle);
    ledger.acknowledged("7");
    // Assess
    expect(afterOne).toBe(false);
    expect(await settled(idle)).toBe(true);
  });

  it("settles an acknowledgement that comes before its publish has returned", () => {
    // Prepare
    const ledger = new DeliveryLedger();
    ledger.route("collect-account", 1);
    ledger.publishStarted();
    // Act
    ledger.acknowledged("3");
    const during = ledger.isIdle();
    ledger.publishEnded("collect-account", "3");
    // Assess
    expect(during).toBe(false);
    expect(ledger.isIdle()).toBe(true);
  });

  it("owes nothing for a topic without push subscriptions, nor for a failed publish", () => {
    // Prepare
    const ledger = new DeliveryLedger();
    ledger.route("collect-account", 1);
    // Act
    ledger.publishStarted();
    ledger.publishEnded("alerts.dead-letter", "1");
    ledger.publishStarted();
    ledger.publishEnded("collect-account", undefined);
    // Assess
    expect(ledger.isIdle()).toBe(true);
  });

  it("after a message is given up on, owes the forward to a dead-letter topic that a function reads", () => {
    // Prepare
    const ledger = new DeliveryLedger();
    ledger.route("collect-account", 1);
    ledger.route("collect-account.dead-letter", 1);
    ledger.publishStarted();
    ledger.publishEnded("collect-account", "1");
    // Act
    ledger.deadLettered("1", "collect-account.dead-letter");
    const waitingForForward = ledger.isIdle();
    const expected = ledger.forwardArrived("collect-account.dead-letter", "9");
    const unexpected = ledger.forwardArrived("collect-account.dead-letter", "10");
    const beforeAck = ledger.isIdle();
    ledger.acknowledged("9");
    // Assess
    expect([waitingForForward, expected, unexpected, beforeAck]).toEqual([false, true, false, false]);
    expect(ledger.isIdle()).toBe(true);
  });

  it("owes no forward when no function reads the dead-letter topic", () => {
    // Prepare
    const ledger = new DeliveryLedger();
    ledger.route("alerts", 1);
    ledger.publishStarted();
    ledger.publishEnded("alerts", "4");
    // Act
    ledger.deadLettered("4", "alerts.dead-letter");
    // Assess
    expect(ledger.isIdle()).toBe(true);
  });

  it("rejects a wait with deadline-exceeded when nothing moves for the stall period", async () => {
    // Prepare
    vi.useFakeTimers();
    const ledger = new DeliveryLedger();
    ledger.route("alerts", 1);
    ledger.publishStarted();
    ledger.publishEnded("alerts", "5");
    const idle = ledger.idle(10_000);
    const outcome = idle.then(
      () => "resolved",
      (err: unknown) => err,
    );
    // Act
    await vi.advanceTimersByTimeAsync(11_000);
    // Assess
    expect(await outcome).toMatchObject({ code: "deadline-exceeded", message: expect.stringContaining("1 deliveries") });
  });
});
