import { describe, expect, it } from "vitest";
import type { FeatureFlag } from "#foundation/config/config-schema.js";
import { type FlagUser, createFlagEvaluator, rolloutBucket } from "#foundation/config/feature-flags.js";

function flag(over: Partial<FeatureFlag> = {}): FeatureFlag {
  return { enabled: true, rollout_percent: 0, allow_users: [], allow_tenants: [], attributes: {}, ...over };
}

const users = Array.from({ length: 10_000 }, (_, i) => ({ uid: `user-${i}` }));

describe("createFlagEvaluator", () => {
  type Row = { name: string; flags: Record<string, FeatureFlag>; user: FlagUser; on: boolean; flagName?: string };
  it.each<Row>([
    { name: "unknown flag", flags: {}, user: { uid: "u1" }, on: false },
    { name: "disabled flag, even for an allow-listed user", flags: { f: flag({ enabled: false, allow_users: ["u1"] }) }, user: { uid: "u1" }, on: false },
    { name: "allow-listed user at 0%", flags: { f: flag({ allow_users: ["u1"] }) }, user: { uid: "u1" }, on: true },
    { name: "allow-listed tenant at 0%", flags: { f: flag({ allow_tenants: ["t1"] }) }, user: { uid: "u2", tenantId: "t1" }, on: true },
    { name: "other tenant at 0%", flags: { f: flag({ allow_tenants: ["t1"] }) }, user: { uid: "u2", tenantId: "t2" }, on: false },
    { name: "100% rollout", flags: { f: flag({ rollout_percent: 100 }) }, user: { uid: "anyone" }, on: true },
    {
      name: "matching attributes at 100%",
      flags: { f: flag({ rollout_percent: 100, attributes: { plan: ["enterprise", "pro"], region: ["eu"] } }) },
      user: { uid: "u", attributes: { plan: "pro", region: "eu" } },
      on: true,
    },
    {
      name: "one attribute not matching",
      flags: { f: flag({ rollout_percent: 100, attributes: { plan: ["enterprise"], region: ["eu"] } }) },
      user: { uid: "u", attributes: { plan: "enterprise", region: "us" } },
      on: false,
    },
    {
      name: "attribute missing",
      flags: { f: flag({ rollout_percent: 100, attributes: { plan: ["enterprise"] } }) },
      user: { uid: "u" },
      on: false,
    },
    { name: "inherited property name as flag", flags: {}, user: { uid: "u" }, on: false, flagName: "toString" },
  ])("$name → $on", ({ flags, user, on, flagName }) => {
    expect(createFlagEvaluator(flags).isEnabled(flagName ?? "f", user)).toBe(on);
  });

  it("is deterministic per user and flag", () => {
    const a = createFlagEvaluator({ f: flag({ rollout_percent: 50 }) });
    const b = createFlagEvaluator({ f: flag({ rollout_percent: 50 }) });

    const first = users.map((u) => a.isEnabled("f", u));
    const again = users.map((u) => b.isEnabled("f", u));

    expect(again).toEqual(first);
  });

  it.each([1, 10, 25, 50, 90])("rolls out to %i%% of 10,000 users within ±1.5 points", (percent) => {
    const flags = createFlagEvaluator({ f: flag({ rollout_percent: percent }) });

    const share = (users.filter((u) => flags.isEnabled("f", u)).length / users.length) * 100;

    expect(Math.abs(share - percent)).toBeLessThan(1.5);
  });

  it("only adds users when the percentage grows", () => {
    const at10 = createFlagEvaluator({ f: flag({ rollout_percent: 10 }) });
    const at20 = createFlagEvaluator({ f: flag({ rollout_percent: 20 }) });

    const lost = users.filter((u) => at10.isEnabled("f", u) && !at20.isEnabled("f", u));

    expect(lost).toEqual([]);
  });

  it("buckets different flags independently", () => {
    const same = users.filter((u) => rolloutBucket("a", u.uid) === rolloutBucket("b", u.uid)).length;

    expect(same).toBeLessThan(20); // about 1 in 10,000 by chance
  });
});
