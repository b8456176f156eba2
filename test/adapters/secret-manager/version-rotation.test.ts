import { describe, expect, it } from "vitest";
import { toVersionInfo, type VersionInfo, versionsToDisable } from "#adapters/secret-manager/version-rotation.js";

const HOUR = 3_600_000;
const GRACE = 24 * HOUR;
const now = Date.parse("2026-03-10T00:00:00Z");
const v = (version: number, state: VersionInfo["state"], hoursAgo: number): VersionInfo => ({ version, state, createdAtMs: now - hoursAgo * HOUR });

describe("versionsToDisable", () => {
  it.each([
    ["a single version", [v(1, "ENABLED", 100)], []],
    ["a predecessor still in its grace", [v(1, "ENABLED", 100), v(2, "ENABLED", 23)], []],
    ["a predecessor whose grace just ran out", [v(1, "ENABLED", 100), v(2, "ENABLED", 24)], [1]],
    ["every expired predecessor, but not one still in grace", [v(1, "ENABLED", 300), v(2, "ENABLED", 200), v(3, "ENABLED", 100), v(4, "ENABLED", 1)], [1, 2]],
    ["versions already disabled or destroyed", [v(1, "DESTROYED", 300), v(2, "DISABLED", 200), v(3, "ENABLED", 100)], []],
    ["the newest even when old", [v(7, "ENABLED", 10_000)], []],
    ["a predecessor of a disabled newest version", [v(1, "ENABLED", 100), v(2, "DISABLED", 48)], [1]],
    ["a successor with no creation time", [v(1, "ENABLED", 100), { version: 2, state: "ENABLED", createdAtMs: Number.NaN }], []],
  ] as const)("with %s", (_label, versions, expected) => {
    // Any order in, oldest first out.
    expect(versionsToDisable([...versions].reverse(), now, GRACE)).toEqual(expected);
  });

  it("with no grace disables every predecessor at once", () => {
    expect(versionsToDisable([v(1, "ENABLED", 0), v(2, "ENABLED", 0)], now, 0)).toEqual([1]);
  });
});

describe("toVersionInfo", () => {
  it.each([
    [{ name: "projects/123/secrets/s/versions/12", state: "DISABLED", createTime: { seconds: "1767225600", nanos: 5_000_000 } }, { version: 12, state: "DISABLED", createdAtMs: 1_767_225_600_005 }],
    [{ name: "projects/123/secrets/s/versions/3", state: 1, createTime: { seconds: 1, nanos: 0 } }, { version: 3, state: "ENABLED", createdAtMs: 1000 }],
    [{ name: "projects/123/secrets/s/versions/4", state: "STATE_UNSPECIFIED", createTime: null }, { version: 4, state: "UNKNOWN", createdAtMs: Number.NaN }],
  ])("reads %j", (version, expected) => {
    expect(toVersionInfo(version)).toEqual(expected);
  });

  it("skips a name without a version number", () => {
    expect(toVersionInfo({ name: "projects/123/secrets/s/versions/latest", state: "ENABLED" })).toBeNull();
  });
});
