import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { GcpRecommenderSource, mapGcpRecommendation, moneyToDecimal } from "#adapters/gcp/recommender/gcp-recommender-source.js";
import { ProviderStateConflict } from "#domain/recommendations/provider-lifecycle.js";
import { type GcpRecommenderServer, startGcpRecommenderServer } from "../../support/replay/gcp-recommender-server.js";

function authClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: "test-access-token", expiry_date: Date.now() + 3_600_000 });
  return client;
}

// Reconstructed from the Recommender v1 REST reference (Recommendation, CostProjection): no
// committed-use recommendation was recorded. Savings over a 30-day projection, units present.
const COMMITMENT = {
  name: "projects/323016592286/locations/us-central1/recommenders/google.compute.commitment.UsageCommitmentRecommender/recommendations/c-1",
  description: "Purchase a 1-year commitment for 8 vCPUs and 32 GB in us-central1.",
  recommenderSubtype: "COMMITMENT_PURCHASE",
  primaryImpact: { category: "COST", costProjection: { cost: { currencyCode: "USD", units: "-120", nanos: -500000000 }, duration: "2592000s" } },
  stateInfo: { state: "ACTIVE" },
  etag: '"c0ffee"',
  content: { operationGroups: [] },
};

let server: GcpRecommenderServer | undefined;
let source: GcpRecommenderSource | undefined;
afterEach(async () => {
  await source?.close();
  await server?.close();
  source = undefined;
  server = undefined;
});

describe("google.type.Money to an exact decimal", () => {
  it("adds nanos to units with the same sign and treats absent units as zero", () => {
    expect(moneyToDecimal({ currencyCode: "USD", units: "-73", nanos: -268972762 })).toBe("-73.268972762");
    expect(moneyToDecimal({ currencyCode: "USD", nanos: -412345678 })).toBe("-0.412345678");
    expect(moneyToDecimal({ currencyCode: "USD", units: "5" })).toBe("5");
    expect(moneyToDecimal({ currencyCode: "USD", units: "123456789012345678", nanos: 1 })).toBe("123456789012345678.000000001");
  });
});

describe("mapping one recommendation", () => {
  it("scales a projection of another duration to 30 days and names the commitment's scope", () => {
    const weekly = { ...COMMITMENT, primaryImpact: { category: "COST", costProjection: { cost: { currencyCode: "EUR", units: "-7" }, duration: { seconds: 604800 } } } };
    const mapped = mapGcpRecommendation(weekly as never, { projectId: "proj-a", location: "us-central1" });
    // 7 EUR a week × 30/7 = 30 EUR a month, exactly.
    expect(mapped?.recommendation.monthlySavings).toEqual({ amount: "30", currency: "EUR" });
    expect(mapped?.recommendation.resource).toBe("projects/proj-a/regions/us-central1/commitments");
    expect(mapped?.recommendation.category).toBe("commitment");
  });

  it("skips a recommender the platform does not read", () => {
    const other = { ...COMMITMENT, name: "projects/1/locations/global/recommenders/google.iam.policy.Recommender/recommendations/x" };
    expect(mapGcpRecommendation(other as never, { projectId: "p", location: "global" })).toBeNull();
  });
});

describe("GcpRecommenderSource on a local Recommender REST server (official client, REST transport)", () => {
  it("reads every recorded recommendation, page by page, with savings from units and nanos", async () => {
    server = await startGcpRecommenderServer({ maxPage: 1, extra: [COMMITMENT] });
    source = new GcpRecommenderSource({ apiEndpoint: server.url, authClient: authClient(), pageSize: 1 });
    const got = await source.listFor("rightsizer-test", "us-east1-b");
    expect(got).toHaveLength(7);
    // Two pages per recommender with two recorded records; one for the commitment; none for idle IPs.
    expect(server.pages.filter((p) => p.endsWith("MachineTypeRecommender"))).toHaveLength(2);
    const byId = new Map(got.map((g) => [g.recommendation.providerId.split("/").pop(), g]));
    const resize = byId.get("6dfd692f-14b7-499a-be95-a09fe0893911");
    expect(resize?.recommendation).toMatchObject({
      category: "rightsizing",
      action: "resize",
      resource: "//compute.googleapis.com/projects/rightsizer-test/zones/us-east1-b/instances/alicja-test",
      monthlySavings: { amount: "73.268972762", currency: "USD" },
      etag: '"da62b100443c341b"',
    });
    expect(resize?.providerState).toBe("claimed");
    // The recorded record without units: nanos only, still exact.
    expect(byId.get("1e32196d-fc39-4358-9c9b-cec17a85f4ea")?.recommendation.monthlySavings).toEqual({ amount: "0.135483871", currency: "USD" });
    expect(byId.get("5df355d9-2f50-4567-a909-bcfcebcf7d66")?.providerState).toBe("failed");
    expect(got.filter((g) => g.recommendation.category === "idle").map((g) => g.recommendation.action).sort()).toEqual(["delete", "delete", "stop", "stop"]);
    expect(got.find((g) => g.recommendation.category === "commitment")?.recommendation.monthlySavings).toEqual({ amount: "120.5", currency: "USD" });
  });

  it("retries a throttled page and then carries on", async () => {
    server = await startGcpRecommenderServer({ maxPage: 5, throttleFirst: 2 });
    const slept: number[] = [];
    source = new GcpRecommenderSource({ apiEndpoint: server.url, authClient: authClient(), sleep: async (ms) => void slept.push(ms) });
    const got = await source.listFor("rightsizer-test", "us-east1-b", ["google.compute.instance.MachineTypeRecommender"]);
    expect(got).toHaveLength(2);
    expect(slept).toEqual([250, 500]);
  });

  it("gives up after its attempts on persistent throttling", async () => {
    server = await startGcpRecommenderServer({ throttleFirst: 10 });
    source = new GcpRecommenderSource({ apiEndpoint: server.url, authClient: authClient(), attempts: 2, sleep: async () => {} });
    await expect(source.listFor("p", "l", ["google.compute.instance.MachineTypeRecommender"])).rejects.toThrow(/Quota exceeded/);
    expect(server.requests).toHaveLength(2);
  });
});

describe("mirroring the lifecycle to Recommender (markClaimed / markSucceeded / markDismissed with etags)", () => {
  const NAME = "projects/323016592286/locations/us-east1-b/recommenders/google.compute.instance.MachineTypeRecommender/recommendations/6dfd692f-14b7-499a-be95-a09fe0893911";

  it("sends the etag it holds and returns the provider's new etag and state", async () => {
    server = await startGcpRecommenderServer();
    source = new GcpRecommenderSource({ apiEndpoint: server.url, authClient: authClient() });
    const claimed = await source.mark(NAME, "succeeded", '"da62b100443c341b"');
    expect(claimed.providerState).toBe("succeeded");
    expect(claimed.etag).not.toBe('"da62b100443c341b"');
    const post = server.requests.find((r) => r.method === "POST");
    expect(new URL(post?.url ?? "", "http://x").pathname).toBe(`/v1/${NAME}:markSucceeded`);
    expect(JSON.parse(post?.body ?? "{}")).toMatchObject({ etag: '"da62b100443c341b"' });
    // The next change needs the new etag.
    expect((await source.mark(NAME, "dismissed", claimed.etag as string)).providerState).toBe("dismissed");
    expect(server.marks.map((m) => m.state)).toEqual(["SUCCEEDED", "DISMISSED"]);
  });

  it("a stale etag is a ProviderStateConflict carrying the provider's current etag and state", async () => {
    server = await startGcpRecommenderServer();
    source = new GcpRecommenderSource({ apiEndpoint: server.url, authClient: authClient() });
    const err = await source.mark(NAME, "claimed", '"stale"').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderStateConflict);
    expect((err as ProviderStateConflict).current).toEqual({ etag: '"da62b100443c341b"', providerState: "claimed" });
    expect((err as ProviderStateConflict).code).toBe("aborted");
    expect(server.marks).toEqual([]);
  });
});
