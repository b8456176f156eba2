import { describe, expect, it } from "vitest";
import { type BudgetScope, inScope, scopeTagKeys } from "#domain/analysis/budgets/index.js";

const row = {
  dims: { provider: "gcp", sub_account_id: "p1", service_name: "BigQuery", region_id: "US", charge_category: "Usage" },
  tags: { team: "ml", env: "prod", empty: "" },
};

describe("inScope", () => {
  it.each<[string, BudgetScope, boolean]>([
    ["an empty scope", {}, true],
    ["a matching provider", { provider: ["aws", "gcp"] }, true],
    ["another provider", { provider: ["aws"] }, false],
    ["an empty list, which does not restrict", { service_name: [] }, true],
    ["every dimension matching", { provider: ["gcp"], sub_account_id: ["p1"], service_name: ["BigQuery"], region_id: ["US"] }, true],
    ["one dimension off", { provider: ["gcp"], region_id: ["EU"] }, false],
    ["one matching tag", { tags: { team: "ml" } }, true],
    ["every tag pair matching", { tags: { team: "ml", env: "prod" } }, true],
    ["one tag pair off", { tags: { team: "ml", env: "dev" } }, false],
    ["a tag the row lacks", { tags: { owner: "x" } }, false],
    ["an empty tag value the row has", { tags: { empty: "" } }, true],
    ["an inherited property name", { tags: { constructor: "x" } }, false],
    ["dimensions and tags together", { provider: ["gcp"], tags: { env: "prod" } }, true],
  ])("%s", (_label, scope, expected) => {
    expect(inScope(row, scope)).toBe(expected);
  });

  it("a row without tag values matches only scopes without tags", () => {
    expect(inScope({ dims: row.dims }, { provider: ["gcp"] })).toBe(true);
    expect(inScope({ dims: row.dims }, { tags: { team: "ml" } })).toBe(false);
  });
});

describe("scopeTagKeys", () => {
  it("lists each tag key of the scopes once, sorted", () => {
    expect(scopeTagKeys([{ tags: { team: "a", env: "b" } }, {}, { provider: ["gcp"], tags: { team: "c" } }])).toEqual(["env", "team"]);
    expect(scopeTagKeys([{}, { provider: ["aws"] }])).toEqual([]);
  });
});
