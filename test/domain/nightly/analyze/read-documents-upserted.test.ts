import { describe, expect, it } from "vitest";
import { upsertBudget, UpsertBudgetInput } from "#domain/api/budgets.js";
import { readAnalysisDocuments } from "#domain/nightly/analyze/read-documents.js";
import { MemoryDocumentStore } from "../../../fakes/memory-document-store.js";

describe("the analysis reads budgets saved by upsertBudget", () => {
  it("keeps a budget that carries upsertBudget's updatedAt and updatedBy", async () => {
    const store = new MemoryDocumentStore();
    await upsertBudget(store, "t1", UpsertBudgetInput.parse({ id: "b1", name: "Cap", amount: "100", period: "monthly" }), "u1", new Date("2026-11-20T00:00:00Z"));
    const docs = await readAnalysisDocuments(store, "t1");
    expect(docs.budgets.map((b) => b.budget.id)).toEqual(["b1"]);
  });
});
