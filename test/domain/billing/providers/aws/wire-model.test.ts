import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildCostAndUsageRequest, buildForecastRequest } from "#domain/billing/providers/aws/query.js";
import { startAwsCostExplorerReplay } from "../../../../support/replay/aws-cost-explorer-server.js";
import { awsBaseItems, truthRows } from "../../../../support/replay/billing-dataset.js";
import { ceModel, checkCeShape } from "../../../../support/aws-ce-model.js";
import { sharedData } from "../../../../support/shared-data.js";

/**
 * Checks request and response bodies against the published Cost Explorer API model
 * (test/support/aws-ce-model.ts): the collector's requests and the replay server's answers stay
 * on the real wire format.
 */
const model = ceModel;
const check = checkCeShape;

const window = { start: "2026-10-01", end: "2026-10-09" };

describe("Cost Explorer wire format against the ce-2017-10-25 model", () => {
  it("uses the model's protocol: awsJson 1.1 with the AWSInsightsIndexService target", () => {
    expect(model.metadata.targetPrefix).toBe("AWSInsightsIndexService");
    expect(model.metadata.jsonVersion).toBe("1.1");
  });

  it.each([
    ["usage, all linked accounts", buildCostAndUsageRequest(window, "usage", undefined)],
    ["credits, two linked accounts", buildCostAndUsageRequest(window, "credits", ["111111111111", "222222222222"])],
  ])("the collector's GetCostAndUsage request (%s) fits the input shape", (_label, request) => {
    expect(check(request, model.operations.GetCostAndUsage!.input)).toEqual([]);
  });

  it("the collector's GetCostForecast request fits the input shape", () => {
    expect(check(buildForecastRequest(window, ["111111111111"]), model.operations.GetCostForecast!.input)).toEqual([]);
  });

  it("the recorded aws-cli example output fits the output shape", () => {
    const example = JSON.parse(readFileSync(sharedData("aws-cost-explorer", "examples", "get-cost-and-usage.output.json"), "utf8"));
    expect(check(example, model.operations.GetCostAndUsage!.output)).toEqual([]);
  });

  it("a request with a member the model lacks is caught (the check can fail)", () => {
    expect(check({ ...buildCostAndUsageRequest(window, "usage", undefined), Granularity: undefined, Bogus: 1 }, model.operations.GetCostAndUsage!.input)).toEqual([
      "$.Granularity: required",
      "$.Bogus: not in the model",
    ]);
  });

  it.each(["GetCostAndUsage", "GetCostForecast"])("the replay server's %s answer fits the output shape", async (operation) => {
    // Prepare
    const server = await startAwsCostExplorerReplay({ rows: truthRows(awsBaseItems(), ["111111111111"], window), daysPerPage: 4, estimatedFrom: "2026-10-08" });
    try {
      const body = operation === "GetCostAndUsage" ? buildCostAndUsageRequest(window, "usage", undefined) : buildForecastRequest(window);

      // Act
      const res = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSInsightsIndexService.${operation}` },
        body: JSON.stringify(body),
      });
      const json = await res.json();

      // Assess
      expect(res.status).toBe(200);
      expect(check(json, model.operations[operation]!.output)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
