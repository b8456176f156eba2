import { describe, expect, it } from "vitest";
import { MAX_GROUP_BY_TAGS } from "#domain/billing/ports.js";
import { allocationLedgerTagKeys } from "#domain/nightly/analyze/allocation-ledger.js";

/** The tag keys of the analysis' one query of the Kubernetes allocation view. */
describe("allocationLedgerTagKeys", () => {
  it("groups by the budgets' keys first, then the dimensions of the anomaly series, each once", () => {
    expect(allocationLedgerTagKeys([])).toEqual(["k8s:cluster", "k8s:namespace", "k8s:controller_kind", "k8s:controller"]);
    expect(allocationLedgerTagKeys(["k8s:label:team", "k8s:namespace"])).toEqual(["k8s:label:team", "k8s:namespace", "k8s:cluster", "k8s:controller_kind", "k8s:controller"]);
  });

  it("stays within the warehouse's limit, keeping every budget key", () => {
    const budgetKeys = Array.from({ length: MAX_GROUP_BY_TAGS - 1 }, (_, i) => `k8s:label:l${i}`);
    const keys = allocationLedgerTagKeys(budgetKeys);
    expect(keys).toHaveLength(MAX_GROUP_BY_TAGS);
    expect(keys.slice(0, budgetKeys.length)).toEqual(budgetKeys);
    expect(keys.at(-1)).toBe("k8s:cluster");
  });
});
