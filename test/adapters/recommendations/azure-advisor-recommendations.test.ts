import { afterEach, describe, expect, it } from "vitest";
import { AzureAdvisorRecommendations, mapAdvisorRecommendation } from "#adapters/recommendations/azure-advisor-recommendations.js";
import { ADVISOR_COST, type AzureAdvisorServer, NON_COST, SUBSCRIPTION, startAzureAdvisorServer } from "../../support/replay/azure-advisor-server.js";

// Records reconstructed from the Advisor 2020-01-01 REST spec (envelope, Recommendations_List
// paging with an absolute nextLink) and Microsoft's documentation of the cost fields
// (extendedProperties.savingsAmount, annualSavingsAmount, savingsCurrency): ../shared/data holds
// no Advisor answer. See test/support/replay/azure-advisor-server.ts.

const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** The SDK deserializes the wire body; the mapper sees the flattened shape. */
function flattened(r: { id: string; name: string; type: string; properties: object }) {
  return { id: r.id, name: r.name, type: r.type, ...r.properties } as never;
}

let server: AzureAdvisorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("mapping Advisor cost recommendations", () => {
  it("a VM right-size is a resize of the assessed VM, monthly savingsAmount as an exact decimal", () => {
    const got = mapAdvisorRecommendation(flattened(ADVISOR_COST[0] as never), SUBSCRIPTION);
    expect(got?.recommendation).toMatchObject({
      provider: "azure",
      providerId: ADVISOR_COST[0]?.id,
      etag: null,
      recommender: "azure.advisor.Cost/e10b1381-5f0a-47ff-8c7b-37bd13d7c974",
      accountId: SUBSCRIPTION,
      resource: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-1`,
      category: "rightsizing",
      action: "resize",
      monthlySavings: { amount: "140.16", currency: "USD" },
      ledgerService: "Virtual Machines",
    });
    expect(got?.recommendation.description).toContain("(Standard_D8s_v3 → Standard_D4s_v3)");
  });

  it("targetSku Shutdown is an idle stop; an unattached disk an idle delete", () => {
    expect(mapAdvisorRecommendation(flattened(ADVISOR_COST[1] as never), SUBSCRIPTION)?.recommendation).toMatchObject({ category: "idle", action: "stop" });
    expect(mapAdvisorRecommendation(flattened(ADVISOR_COST[2] as never), SUBSCRIPTION)?.recommendation).toMatchObject({ category: "idle", action: "delete", risk: "high" });
  });

  it("a reservation with an annual saving only is a commitment at a twelfth of it, per subscription and kind", () => {
    const got = mapAdvisorRecommendation(flattened(ADVISOR_COST[3] as never), SUBSCRIPTION)?.recommendation;
    expect(got).toMatchObject({ category: "commitment", action: "purchase", resource: `/subscriptions/${SUBSCRIPTION}/commitments/virtualmachines` });
    // 1000 / 12 = 83.333…, rounded half-even at the ninth place.
    expect(got?.monthlySavings).toEqual({ amount: "83.333333333", currency: "USD" });
    expect(got?.ledgerService).toBeUndefined();
  });

  it("the spec's own non-cost example, a zero saving and an unparsable one map to nothing", () => {
    expect(mapAdvisorRecommendation(flattened(NON_COST), SUBSCRIPTION)).toBeNull();
    const disk = ADVISOR_COST[2] as { id: string; name: string; type: string; properties: Record<string, unknown> };
    const withSaving = (savingsAmount: string) => flattened({ ...disk, properties: { ...disk.properties, extendedProperties: { savingsAmount, savingsCurrency: "USD" } } });
    expect(mapAdvisorRecommendation(withSaving("0"), SUBSCRIPTION)).toBeNull();
    expect(mapAdvisorRecommendation(withSaving("lots"), SUBSCRIPTION)).toBeNull();
    expect(mapAdvisorRecommendation(withSaving("19.71"), SUBSCRIPTION)).not.toBeNull();
  });
});

describe("AzureAdvisorRecommendations on a local Advisor (official client, HTTPS)", () => {
  it("asks for cost recommendations only, follows next links, keeps the tenant's subscription", async () => {
    server = await startAzureAdvisorServer({ maxPage: 2 });
    const source = new AzureAdvisorRecommendations({ credential, endpoint: server.url, tlsCa: server.ca, pageSize: 2, maxRetries: 0 });
    const got = await source.listFor([SUBSCRIPTION]);
    // Five cost records on three pages; the one of another subscription is dropped.
    expect(server.pages).toHaveLength(3);
    expect(server.pages[0]?.get("$filter")).toBe("Category eq 'Cost'");
    expect(server.pages[0]?.get("$top")).toBe("2");
    expect(server.pages[2]?.get("$skiptoken")).toBe("4");
    expect(got.map((g) => g.recommendation.action).sort()).toEqual(["delete", "purchase", "resize", "stop"]);
    expect(got.every((g) => g.recommendation.accountId === SUBSCRIPTION)).toBe(true);
  });

  it("a resource-group scope asks Advisor for that group and keeps only its resources", async () => {
    server = await startAzureAdvisorServer();
    const source = new AzureAdvisorRecommendations({ credential, endpoint: server.url, tlsCa: server.ca, maxRetries: 0 });
    const got = await source.listFor([SUBSCRIPTION], "rg-web");
    expect(server.pages[0]?.get("$filter")).toBe("Category eq 'Cost' and ResourceGroup eq 'rg-web'");
    expect(got.map((g) => g.recommendation.resource.split("/").pop()).sort()).toEqual(["disk-orphan", "vm-web-1"]);
  });

  it("a 429 is retried after retry-after-ms and the read completes", async () => {
    server = await startAzureAdvisorServer({ throttleFirst: 2 });
    const source = new AzureAdvisorRecommendations({ credential, endpoint: server.url, tlsCa: server.ca, maxRetries: 3 });
    expect(await source.listFor([SUBSCRIPTION])).toHaveLength(4);
    expect(server.requests).toHaveLength(3);
  });

  it("persistent throttling fails after the retries", async () => {
    server = await startAzureAdvisorServer({ throttleFirst: 10 });
    const source = new AzureAdvisorRecommendations({ credential, endpoint: server.url, tlsCa: server.ca, maxRetries: 1 });
    await expect(source.listFor([SUBSCRIPTION])).rejects.toMatchObject({ statusCode: 429 });
    expect(server.requests).toHaveLength(2);
  });

  it("a next link to another host is refused: the bearer token never leaves the endpoint", async () => {
    server = await startAzureAdvisorServer({ maxPage: 2, foreignNextLink: true });
    const source = new AzureAdvisorRecommendations({ credential, endpoint: server.url, tlsCa: server.ca, pageSize: 2, maxRetries: 0 });
    await expect(source.listFor([SUBSCRIPTION])).rejects.toThrow(/request leaves/);
    expect(server.requests).toHaveLength(1);
  });
});
