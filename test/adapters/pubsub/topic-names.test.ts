import { describe, expect, it } from "vitest";
import { topicNames } from "#adapters/pubsub/topic-names.js";
import { AppError } from "#kernel/errors.js";

describe("topicNames", () => {
  it("prefixes every topic id, dead-letter twins included", () => {
    // Prepare
    const names = topicNames("staging-");
    // Act
    const ids = [names.topicId("alerts"), names.topicId(names.deadLetterOf("alerts"))];
    // Assess
    expect(ids).toEqual(["staging-alerts", "staging-alerts.dead-letter"]);
    expect(names.isDeadLetter("alerts.dead-letter")).toBe(true);
    expect(names.isDeadLetter("alerts")).toBe(false);
  });

  it("leaves topic ids as they are without a prefix", () => {
    expect(topicNames("").topicId("collect-account")).toBe("collect-account");
  });

  it.each([
    ["shorter than 3 characters", "ab"],
    ["starting with a digit", "1topic"],
    ["with a slash", "a/b/c"],
    ["starting with goog", "google-things"],
  ])("refuses a topic id %s", (_name, topic) => {
    expect(() => topicNames("").topicId(topic)).toThrow(AppError);
  });

  it("refuses a prefix that cannot start a topic id", () => {
    expect(() => topicNames("9-")).toThrow(/invalid topic prefix/);
  });
});
