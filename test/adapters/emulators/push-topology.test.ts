import { describe, expect, it } from "vitest";
import { planTopology } from "#adapters/emulators/push-topology.js";
import { topicNames } from "#adapters/pubsub/topic-names.js";

describe("planTopology", () => {
  it("gives every function's topic a dead-letter twin and keeps what lands on twins nobody reads", () => {
    // Prepare
    const functions = [
      { name: "fanOutCollection", topic: "nightly-collect" },
      { name: "collectAccount", topic: "collect-account" },
      { name: "collectAccountFailed", topic: "collect-account.dead-letter" },
      { name: "dispatchAlerts", topic: "alerts" },
    ];
    // Act
    const plan = planTopology(functions, topicNames("p-"), (t) => t === "alerts");
    // Assess
    expect(plan.topics.sort()).toEqual(
      ["alerts", "alerts.dead-letter", "collect-account", "collect-account.dead-letter", "collect-account.dead-letter.dead-letter", "nightly-collect", "nightly-collect.dead-letter"].sort(),
    );
    expect(plan.retained.sort()).toEqual(["alerts.dead-letter", "collect-account.dead-letter.dead-letter", "nightly-collect.dead-letter"]);
    expect(plan.pushes.find((p) => p.name === "collectAccountFailed")).toEqual({
      name: "collectAccountFailed",
      topic: "collect-account.dead-letter",
      subscriptionId: "p-collect-account.dead-letter.collectAccountFailed",
      deadLetterTopic: "collect-account.dead-letter.dead-letter",
      ordered: false,
    });
    expect(plan.pushes.filter((p) => p.ordered).map((p) => p.name)).toEqual(["dispatchAlerts"]);
  });
});
