import { describe, expect, it } from "vitest";
import { sortedKeys } from "../../../functions/src/cli/nightly/sorted-keys.js";

describe("sortedKeys", () => {
  it("prints the same text for the same data whatever order the store returned its keys in", () => {
    // Prepare
    const asWritten = { tenantId: "t1", anomalies: [{ id: "a", severity: "high", impact: "1.00" }], total: { sent: 1, failed: 0 } };
    const asReturned = { total: { failed: 0, sent: 1 }, anomalies: [{ impact: "1.00", id: "a", severity: "high" }], tenantId: "t1" };
    // Act
    const [a, b] = [JSON.stringify(sortedKeys(asWritten)), JSON.stringify(sortedKeys(asReturned))];
    // Assess
    expect(a).toBe(b);
    expect(a).toBe('{"anomalies":[{"id":"a","impact":"1.00","severity":"high"}],"tenantId":"t1","total":{"failed":0,"sent":1}}');
  });

  it("keeps array order and leaves scalars and null alone", () => {
    expect(sortedKeys([3, null, "x", { b: 1, a: 2 }])).toEqual([3, null, "x", { a: 2, b: 1 }]);
  });
});
