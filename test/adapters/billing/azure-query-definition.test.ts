import { createHttpHeaders, type PipelinePolicy } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { createCostManagementClient, toSdkQueryDefinition } from "#adapters/billing/azure-cost-management-client.js";
import { buildQueryDefinition } from "#domain/billing/providers/azure/query.js";

const window = { start: "2026-10-01", end: "2026-10-09" };
const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

describe("toSdkQueryDefinition", () => {
  it("turns timePeriod's date-time strings into Dates of the same instants and keeps the rest", () => {
    // Prepare
    const definition = buildQueryDefinition(window, ["11111111-1111-1111-1111-111111111111"], "AmortizedCost");

    // Act
    const { timePeriod, ...rest } = toSdkQueryDefinition(definition);

    // Assess
    expect(timePeriod?.from).toEqual(new Date("2026-10-01T00:00:00Z"));
    expect(timePeriod?.to).toEqual(new Date("2026-10-09T23:59:59Z"));
    expect(rest).toEqual({ type: definition.type, timeframe: definition.timeframe, dataset: definition.dataset });
  });

  it("adds no timePeriod to a definition that has none", () => {
    const sdk = toSdkQueryDefinition({ type: "Usage", timeframe: "MonthToDate", dataset: { granularity: "Daily" } });
    expect(sdk).toEqual({ type: "Usage", timeframe: "MonthToDate", dataset: { granularity: "Daily" } });
    expect("timePeriod" in sdk).toBe(false);
  });

  it("has the SDK's query.usage send the very body that next sends", async () => {
    // Prepare: answer every request in the pipeline, after the SDK serialized and signed it.
    const { client, api } = createCostManagementClient({ credential, endpoint: "https://management.azure.com", maxRetries: 0 });
    const bodies: string[] = [];
    const answer: PipelinePolicy = {
      name: "answerLocally",
      async sendRequest(request) {
        bodies.push(String(request.body));
        return {
          status: 200,
          headers: createHttpHeaders({ "content-type": "application/json" }),
          request,
          bodyAsText: JSON.stringify({ properties: { columns: [], rows: [], nextLink: null } }),
        };
      },
    };
    client.pipeline.addPolicy(answer, { afterPhase: "Sign" });
    const definition = buildQueryDefinition(window, ["11111111-1111-1111-1111-111111111111"]);
    const scope = "/subscriptions/11111111-1111-1111-1111-111111111111";

    // Act
    await api.usage(scope, definition);
    await api.next(`https://management.azure.com${scope}/providers/Microsoft.CostManagement/query?api-version=2025-03-01&$skiptoken=x`, definition);

    // Assess
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(bodies[1]);
    expect(JSON.parse(bodies[0] ?? "{}").timePeriod).toEqual({ from: "2026-10-01T00:00:00.000Z", to: "2026-10-09T23:59:59.000Z" });
  });
});
