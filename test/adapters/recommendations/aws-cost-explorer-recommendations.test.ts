import { afterEach, describe, expect, it } from "vitest";
import { createCostExplorerClient } from "#adapters/billing/aws-cost-explorer-client.js";
import {
  AWS_EC2_SERVICE,
  AwsCostExplorerRecommendations,
  mapRightsizing,
  mapSavingsPlan,
  DEFAULT_SAVINGS_PLANS_QUERY,
} from "#adapters/recommendations/aws-cost-explorer-recommendations.js";
import { checkCeBody } from "../../support/aws-ce-model.js";
import { type AwsRecommendationsServer, RIGHTSIZING, SAVINGS_PLANS_DETAILS, startAwsRecommendationsServer } from "../../support/replay/aws-recommendations-server.js";

// Records reconstructed from the Cost Explorer API reference (GetRightsizingRecommendation,
// GetSavingsPlansPurchaseRecommendation) and checked against the ce-2017-10-25 model in
// ../shared/data: no recorded answer of either call exists there.

let server: AwsRecommendationsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(url: string, maxAttempts = 3) {
  return createCostExplorerClient({ endpoint: url, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, maxAttempts, baseDelayMs: 1, maxDelayMs: 2, random: () => 0.5 });
}

describe("the replay's records fit the published model", () => {
  it("the rightsizing and Savings Plans answers are valid ce-2017-10-25 outputs, and the checker can fail", () => {
    expect(checkCeBody("GetRightsizingRecommendation", "output", { RightsizingRecommendations: RIGHTSIZING })).toEqual([]);
    expect(checkCeBody("GetSavingsPlansPurchaseRecommendation", "output", { SavingsPlansPurchaseRecommendation: { SavingsPlansPurchaseRecommendationDetails: SAVINGS_PLANS_DETAILS } })).toEqual([]);
    expect(checkCeBody("GetRightsizingRecommendation", "output", { RightsizingRecommendations: [{ EstimatedSavings: "1" }] })).toEqual([
      "$.RightsizingRecommendations[0].EstimatedSavings: not in the model",
    ]);
  });
});

describe("mapping Cost Explorer recommendations", () => {
  it("a MODIFY takes AWS's default target, not the one that saves most, with the exact decimal", () => {
    const got = mapRightsizing(RIGHTSIZING[0] as never);
    expect(got?.recommendation).toMatchObject({
      provider: "aws",
      providerId: "aws/111111111111/ec2/i-0a1b2c3d4e5f60001/MODIFY",
      etag: null,
      accountId: "111111111111",
      resource: "i-0a1b2c3d4e5f60001",
      category: "rightsizing",
      action: "resize",
      monthlySavings: { amount: "140.16", currency: "USD" },
      confidence: "high",
      ledgerService: AWS_EC2_SERVICE,
    });
    expect(got?.recommendation.description).toBe("Change i-0a1b2c3d4e5f60001 from m5.2xlarge to m5.xlarge (CPU_OVER_PROVISIONED, MEMORY_OVER_PROVISIONED).");
  });

  it("without a default target the largest saving is taken; without memory metrics confidence is medium", () => {
    const r = structuredClone(RIGHTSIZING[0]) as (typeof RIGHTSIZING)[0];
    for (const t of r.ModifyRecommendationDetail?.TargetInstances ?? []) t.DefaultTargetInstance = false;
    const utilization = r.CurrentInstance.ResourceUtilization?.EC2ResourceUtilization as { MaxMemoryUtilizationPercentage?: string } | undefined;
    if (utilization) delete utilization.MaxMemoryUtilizationPercentage;
    const got = mapRightsizing(r as never);
    expect(got?.recommendation.monthlySavings.amount).toBe("210.24");
    expect(got?.recommendation.confidence).toBe("medium");
  });

  it("a TERMINATE is an idle delete; trailing zeros go, digits stay", () => {
    expect(mapRightsizing(RIGHTSIZING[1] as never)?.recommendation).toMatchObject({ category: "idle", action: "delete", risk: "high", monthlySavings: { amount: "30.368", currency: "USD" } });
  });

  it("a finding without an estimate, or an unknown type, maps to nothing", () => {
    expect(mapRightsizing(RIGHTSIZING[3] as never)).toBeNull();
    expect(mapRightsizing({ ...(RIGHTSIZING[1] as object), RightsizingType: "RESIZE" } as never)).toBeNull();
    expect(mapRightsizing({ ...(RIGHTSIZING[1] as object), TerminateRecommendationDetail: { EstimatedMonthlySavings: "1e99999", CurrencyCode: "USD" } } as never)).toBeNull();
  });

  it("a Savings Plans detail is one commitment per account and plan type, spanning services", () => {
    const got = mapSavingsPlan(SAVINGS_PLANS_DETAILS[0] as never, DEFAULT_SAVINGS_PLANS_QUERY, "111111111111");
    expect(got?.recommendation).toMatchObject({
      providerId: "aws/sp/6c4e1c4e-1111-4a2b-9c3d-000000000001",
      resource: "111111111111/savings-plans/COMPUTE_SP",
      category: "commitment",
      action: "purchase",
      monthlySavings: { amount: "251.6", currency: "USD" },
    });
    expect(got?.recommendation.ledgerService).toBeUndefined();
    expect(got?.recommendation.description).toBe("Buy a 1-year COMPUTE_SP Savings Plan of 1.42 USD an hour (NO_UPFRONT).");
    expect(mapSavingsPlan({ ...SAVINGS_PLANS_DETAILS[1], EstimatedMonthlySavingsAmount: "0" } as never, DEFAULT_SAVINGS_PLANS_QUERY, "1")).toBeNull();
  });
});

describe("AwsCostExplorerRecommendations on a local Cost Explorer (official client, awsJson1_1)", () => {
  it("reads both calls page by page and maps every finding that has a saving", async () => {
    server = await startAwsRecommendationsServer({ maxPage: 1 });
    const got = await new AwsCostExplorerRecommendations(client(server.url), { pageSize: 1 }).list({ payerAccountId: "111111111111" });
    expect(got.map((g) => g.recommendation.providerId).sort()).toEqual([
      "aws/111111111111/ec2/i-0a1b2c3d4e5f60001/MODIFY",
      "aws/111111111111/ec2/i-0a1b2c3d4e5f60002/TERMINATE",
      "aws/222222222222/ec2/i-0a1b2c3d4e5f60003/MODIFY",
      "aws/sp/6c4e1c4e-1111-4a2b-9c3d-000000000001",
      "aws/sp/6c4e1c4e-1111-4a2b-9c3d-000000000002",
    ]);
    expect(server.answered.filter((o) => o === "GetRightsizingRecommendation")).toHaveLength(4);
    expect(server.answered.filter((o) => o === "GetSavingsPlansPurchaseRecommendation")).toHaveLength(2);
    expect(server.modelProblems).toEqual([]);
    const first = JSON.parse(server.requests[0]?.body ?? "{}");
    expect(first).toEqual({ Service: "AmazonEC2", Configuration: { RecommendationTarget: "SAME_INSTANCE_FAMILY", BenefitsConsidered: true }, PageSize: 1 });
    const sp = server.requests.find((r) => String(r.headers["x-amz-target"]).endsWith("GetSavingsPlansPurchaseRecommendation"));
    expect(JSON.parse(sp?.body ?? "{}")).toMatchObject({ AccountScope: "PAYER", SavingsPlansType: "COMPUTE_SP", TermInYears: "ONE_YEAR", PaymentOption: "NO_UPFRONT", LookbackPeriodInDays: "THIRTY_DAYS" });
  });

  it("a tenant scoped to linked accounts asks for those only and drops anything else", async () => {
    server = await startAwsRecommendationsServer();
    const got = await new AwsCostExplorerRecommendations(client(server.url)).list({ payerAccountId: "999999999999", linkedAccountIds: ["111111111111"] });
    expect(new Set(got.map((g) => g.recommendation.accountId))).toEqual(new Set(["111111111111"]));
    expect(got).toHaveLength(3);
    const sp = server.requests.find((r) => String(r.headers["x-amz-target"]).endsWith("GetSavingsPlansPurchaseRecommendation"));
    expect(JSON.parse(sp?.body ?? "{}")).toMatchObject({ AccountScope: "LINKED", Filter: { Dimensions: { Key: "LINKED_ACCOUNT", Values: ["111111111111"] } } });
    expect(server.modelProblems).toEqual([]);
  });

  it("throttling (LimitExceededException) is retried by the client and the read completes", async () => {
    server = await startAwsRecommendationsServer({ throttleFirst: 2 });
    const got = await new AwsCostExplorerRecommendations(client(server.url, 3)).list({ payerAccountId: "111111111111" });
    expect(got).toHaveLength(5);
    expect(server.requests.length).toBe(server.answered.length + 2);
  });

  it("persistent throttling fails the read after the client's attempts", async () => {
    server = await startAwsRecommendationsServer({ throttleFirst: 10 });
    await expect(new AwsCostExplorerRecommendations(client(server.url, 2)).list({ payerAccountId: "111111111111" })).rejects.toMatchObject({ name: "LimitExceededException" });
    expect(server.requests).toHaveLength(2);
  });

  it("a service that keeps sending a token is cut at maxPages", async () => {
    let calls = 0;
    const counted = {
      getRightsizingRecommendation: async () => {
        calls++;
        return { RightsizingRecommendations: [], NextPageToken: "again" };
      },
      getSavingsPlansPurchaseRecommendation: async () => {
        calls++;
        return { NextPageToken: "again" };
      },
    };
    await new AwsCostExplorerRecommendations(counted, { maxPages: 3 }).list({ payerAccountId: "1" });
    expect(calls).toBe(6);
  });
});
