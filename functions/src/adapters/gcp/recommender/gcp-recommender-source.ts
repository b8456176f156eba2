import { RecommenderClient, type protos } from "@google-cloud/recommender";
import Big from "big.js";
import type { AuthClient } from "google-auth-library";
import type { Level, Recommendation, RecommendationAction, RecommendationCategory } from "#domain/recommendations/recommendation.js";
import { RecommendationSchema } from "#domain/recommendations/recommendation.js";
import { type MirroredState, type ProviderRecommendationState, ProviderStateConflict } from "#domain/recommendations/provider-lifecycle.js";

type ApiRecommendation = protos.google.cloud.recommender.v1.IRecommendation;
type ApiMoney = protos.google.type.IMoney;

/**
 * The GCP recommenders the platform reads, with how each maps onto the model. Effort, risk and
 * confidence are fixed per recommender: the v1 API gives a priority on newer records only, and
 * the recorded ones have none, so the judgement lives here, where it can be read in one place.
 * - machine type: a restart to a smaller shape; medium effort and risk, Google's utilisation data is
 *   the basis, high confidence.
 * - idle VM: stopping is reversible; low effort, medium risk (something may still need it).
 * - idle disk / idle IP: deletion after a snapshot, or a release; low effort, high risk (not reversible for an IP).
 * - committed use: a purchase, no change to resources; low effort, medium risk (a 1–3 year lock-in).
 */
export const GCP_RECOMMENDERS = {
  "google.compute.instance.MachineTypeRecommender": { category: "rightsizing", action: "resize", effort: "medium", risk: "medium", confidence: "high" },
  "google.compute.instance.IdleResourceRecommender": { category: "idle", action: "stop", effort: "low", risk: "medium", confidence: "medium" },
  "google.compute.disk.IdleResourceRecommender": { category: "idle", action: "delete", effort: "low", risk: "high", confidence: "medium" },
  "google.compute.address.IdleResourceRecommender": { category: "idle", action: "delete", effort: "low", risk: "high", confidence: "medium" },
  "google.compute.commitment.UsageCommitmentRecommender": { category: "commitment", action: "purchase", effort: "low", risk: "medium", confidence: "medium" },
} as const satisfies Record<string, { category: RecommendationCategory; action: RecommendationAction; effort: Level; risk: Level; confidence: Level }>;

export type GcpRecommenderId = keyof typeof GCP_RECOMMENDERS;
export const GCP_RECOMMENDER_IDS = Object.keys(GCP_RECOMMENDERS) as GcpRecommenderId[];

/** The billing export's service.description of these resources, which the ledger keeps as service_name. */
export const GCP_COMPUTE_SERVICE = "Compute Engine";

const MONTH_SECONDS = 30 * 24 * 3600;

/**
 * google.type.Money as an exact decimal: `units` is an int64 string that may be absent (then 0),
 * `nanos` an int32 with the same sign. A JSON number for units is accepted too, since some
 * encoders write int64 that way.
 */
export function moneyToDecimal(m: ApiMoney | null | undefined): string {
  const units = m?.units === undefined || m?.units === null ? "0" : String(m.units);
  const nanos = m?.nanos ?? 0;
  return new Big(units).plus(new Big(nanos).div(1_000_000_000)).toFixed();
}

/** Seconds of a protobuf Duration (`{seconds, nanos}` from the client, or "2592000s" in JSON). */
function durationSeconds(d: protos.google.protobuf.IDuration | string | null | undefined): Big | null {
  if (d === null || d === undefined) return null;
  if (typeof d === "string") return /^\d+(\.\d+)?s$/.test(d) ? new Big(d.slice(0, -1)) : null;
  const s = d.seconds === undefined || d.seconds === null ? "0" : String(d.seconds);
  return new Big(s).plus(new Big(d.nanos ?? 0).div(1_000_000_000));
}

export interface MappedGcpRecommendation {
  readonly recommendation: Recommendation;
  /** The provider's lifecycle state, lower-cased (active, claimed, succeeded, failed, dismissed). */
  readonly providerState: string;
}

/**
 * One API recommendation onto the model, or null for one the platform does not act on (another
 * recommender, no cost projection). A cost projection is negative when money is saved; it is
 * scaled to 30 days when the projection covers another duration.
 */
export function mapGcpRecommendation(api: ApiRecommendation, ctx: { projectId: string; location: string }): MappedGcpRecommendation | null {
  const name = api.name ?? "";
  const recommender = /\/recommenders\/([^/]+)\/recommendations\//.exec(name)?.[1];
  if (!recommender || !(recommender in GCP_RECOMMENDERS)) return null;
  const spec = GCP_RECOMMENDERS[recommender as GcpRecommenderId];
  const projection = api.primaryImpact?.costProjection;
  if (!projection?.cost) return null;
  const cost = new Big(moneyToDecimal(projection.cost));
  const secs = durationSeconds(projection.duration as protos.google.protobuf.IDuration | string | null | undefined);
  const monthly = secs?.gt(0) ? cost.times(MONTH_SECONDS).div(secs) : cost;
  const resource =
    spec.category === "commitment"
      ? `projects/${ctx.projectId}/regions/${ctx.location}/commitments`
      : (api.content?.operationGroups?.flatMap((g) => g.operations ?? []).find((o) => o.resource)?.resource ?? name);
  const recommendation = RecommendationSchema.parse({
    provider: "gcp",
    providerId: name,
    etag: api.etag ?? null,
    recommender,
    accountId: ctx.projectId,
    resource,
    category: spec.category,
    action: spec.action,
    description: (api.description ?? "").slice(0, 2000),
    monthlySavings: { amount: monthly.times(-1).round(9, Big.roundHalfEven).toFixed(), currency: projection.cost.currencyCode ?? "USD" },
    effort: spec.effort,
    risk: spec.risk,
    confidence: spec.confidence,
    // Every recommender read here acts on Compute Engine; a commitment's saving spans the project.
    ...(spec.category === "commitment" ? {} : { ledgerService: GCP_COMPUTE_SERVICE }),
  });
  const state = api.stateInfo?.state;
  return { recommendation, providerState: String(state ?? "ACTIVE").toLowerCase() };
}

export interface GcpRecommenderOptions {
  /** A URL (`http://127.0.0.1:PORT`); implies the REST transport, which is how tests reach a local server. */
  readonly apiEndpoint?: string;
  readonly authClient?: AuthClient;
  readonly pageSize?: number;
  /** Attempts per page on RESOURCE_EXHAUSTED / UNAVAILABLE. */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type ClientOptions = NonNullable<ConstructorParameters<typeof RecommenderClient>[0]>;

/** Client retries off: the source retries each page itself, the same way on REST and gRPC. */
const NO_CLIENT_RETRIES = {
  interfaces: {
    "google.cloud.recommender.v1.Recommender": {
      retry_codes: { none: [] },
      methods: Object.fromEntries(
        ["ListRecommendations", "GetRecommendation", "MarkRecommendationClaimed", "MarkRecommendationSucceeded", "MarkRecommendationFailed", "MarkRecommendationDismissed"].map(
          (m) => [m, { retry_codes_name: "none" }],
        ),
      ),
    },
  },
};

const RETRYABLE = new Set([8, 14, 429, 503]); // gRPC RESOURCE_EXHAUSTED, UNAVAILABLE; HTTP 429, 503

function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; status?: unknown };
  return typeof e.code === "number" ? e.code : typeof e.status === "number" ? e.status : undefined;
}

/** Reads recommendations through the official client, per project and location, page by page. */
export class GcpRecommenderSource {
  private readonly client: RecommenderClient;
  private readonly pageSize: number;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: GcpRecommenderOptions = {}) {
    const endpoint = opts.apiEndpoint ? new URL(opts.apiEndpoint) : undefined;
    this.client = new RecommenderClient({
      clientConfig: NO_CLIENT_RETRIES,
      ...(endpoint
        ? {
            fallback: true,
            apiEndpoint: endpoint.hostname,
            port: endpoint.port ? Number(endpoint.port) : endpoint.protocol === "http:" ? 80 : 443,
            protocol: endpoint.protocol.slice(0, -1),
          }
        : {}),
      // google-gax bundles its own google-auth-library; the AuthClient types differ only on paper.
      ...(opts.authClient ? { authClient: opts.authClient as unknown as ClientOptions["authClient"] } : {}),
    });
    this.pageSize = opts.pageSize ?? 100;
    this.attempts = opts.attempts ?? 4;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async listFor(projectId: string, location: string, recommenders: readonly GcpRecommenderId[] = GCP_RECOMMENDER_IDS): Promise<MappedGcpRecommendation[]> {
    const out: MappedGcpRecommendation[] = [];
    for (const recommender of recommenders) {
      const parent = `projects/${projectId}/locations/${location}/recommenders/${recommender}`;
      let pageToken: string | undefined;
      do {
        const [items, , raw] = await this.page(parent, pageToken);
        for (const api of items) {
          const mapped = mapGcpRecommendation(api, { projectId, location });
          if (mapped) out.push(mapped);
        }
        pageToken = raw?.nextPageToken || undefined;
      } while (pageToken);
    }
    return out;
  }

  private async page(parent: string, pageToken: string | undefined) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.listRecommendations({ parent, pageSize: this.pageSize, ...(pageToken ? { pageToken } : {}) }, { autoPaginate: false });
      } catch (err) {
        const status = statusOf(err);
        if (attempt >= this.attempts || status === undefined || !RETRYABLE.has(status)) throw err;
        await this.sleep(Math.min(8000, 250 * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * Sets a recommendation's state at Recommender (markClaimed / markSucceeded / markFailed /
   * markDismissed) with the etag last seen, the API's optimistic lock
   * (cloud.google.com/recommender/docs/reference/rest/v1/projects.locations.recommenders.recommendations/markClaimed).
   * A stale etag is answered ABORTED (AIP-154; FAILED_PRECONDITION and HTTP 409/412 are read the
   * same way): the recommendation is read again and ProviderStateConflict carries its etag and state.
   */
  async mark(name: string, state: MirroredState, etag: string): Promise<ProviderRecommendationState> {
    const call = () => {
      switch (state) {
        case "claimed":
          return this.client.markRecommendationClaimed({ name, etag, stateMetadata: {} });
        case "succeeded":
          return this.client.markRecommendationSucceeded({ name, etag, stateMetadata: {} });
        case "failed":
          return this.client.markRecommendationFailed({ name, etag, stateMetadata: {} });
        case "dismissed":
          return this.client.markRecommendationDismissed({ name, etag });
      }
    };
    try {
      const [rec] = await call();
      return { etag: rec.etag ?? null, providerState: String(rec.stateInfo?.state ?? state).toLowerCase() };
    } catch (err) {
      if (!STALE_ETAG.has(statusOf(err) ?? -1)) throw err;
      const [current] = await this.client.getRecommendation({ name });
      throw new ProviderStateConflict({ etag: current.etag ?? null, providerState: String(current.stateInfo?.state ?? "ACTIVE").toLowerCase() });
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** gRPC ABORTED and FAILED_PRECONDITION, HTTP 409 and 412: the etag no longer matches. */
const STALE_ETAG = new Set([10, 9, 409, 412]);
