import { readFileSync } from "node:fs";
import { type ReplayServer, sendJson, startReplayServer } from "./http-server.js";

/**
 * Recommender v1 `projects.locations.recommenders.recommendations.list` over REST, as the official
 * Node client speaks it with `fallback: true`:
 * `GET /v1/projects/P/locations/L/recommenders/R/recommendations?pageSize&pageToken` answering
 * `{recommendations, nextPageToken}`. The records are the recorded ones in
 * /work/shared/data/gcp-recommender (their names keep the recording's project number, as the
 * service's answers do), served under the recommender their name carries. No commitment
 * recommendation was recorded; `extra` adds reconstructed ones from the REST reference.
 *
 * Pages hold `pageSize` records (the client's request) capped at `maxPage`, so paging is exercised.
 * `throttleFirst` answers the first N requests 429 RESOURCE_EXHAUSTED in Google's error body.
 * Every request must carry a bearer token.
 */
export const RECORDED_GCP_RECOMMENDATIONS = "/work/shared/data/gcp-recommender/recommendations_recomator_fake_service.json";

export interface GcpRecommenderServer extends ReplayServer {
  /** Parents (project/location/recommender) listed, one per answered page. */
  pages: string[];
  /** State changes made, in order. */
  marks: { name: string; state: string }[];
  /** The records served, as the server holds them now (marks change their state and etag). */
  records: unknown[];
}

export async function startGcpRecommenderServer(opts: { maxPage?: number; throttleFirst?: number; extra?: unknown[] } = {}): Promise<GcpRecommenderServer> {
  const recorded = JSON.parse(readFileSync(RECORDED_GCP_RECOMMENDATIONS, "utf8")) as { name: string }[];
  const marks: { name: string; state: string }[] = [];
  let etagCounter = 0;
  const all = [...recorded, ...(structuredClone(opts.extra ?? []) as { name: string }[])];
  const pages: string[] = [];
  let throttle = opts.throttleFirst ?? 0;
  const server = await startReplayServer((req, res) => {
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ""))) {
      sendJson(res, 401, { error: { code: 401, message: "Request is missing required authentication credential.", status: "UNAUTHENTICATED" } });
      return;
    }
    const url = new URL(req.url, "http://local");
    // Lifecycle: POST /v1/{name}:markClaimed|markSucceeded|markFailed|markDismissed with {etag, stateMetadata};
    // GET /v1/{name}. A stale etag is answered 409 ABORTED (AIP-154); each change makes a new etag.
    const mark = /^\/v1\/(projects\/.+\/recommendations\/[^/:]+):mark(Claimed|Succeeded|Failed|Dismissed)$/.exec(url.pathname);
    const one = /^\/v1\/(projects\/.+\/recommendations\/[^/:]+)$/.exec(url.pathname);
    if ((req.method === "POST" && mark) || (req.method === "GET" && one)) {
      const name = decodeURIComponent(((mark ?? one) as RegExpExecArray)[1] as string);
      const rec = all.find((r) => r.name === name) as ({ name: string; etag?: string; stateInfo?: { state?: string } } | undefined);
      if (!rec) return sendJson(res, 404, { error: { code: 404, message: `Recommendation ${name} not found.`, status: "NOT_FOUND" } });
      if (mark) {
        const body = JSON.parse(req.body || "{}") as { etag?: string };
        if (body.etag !== rec.etag) {
          return sendJson(res, 409, { error: { code: 409, message: "The etag provided does not match the current etag of the recommendation.", status: "ABORTED" } });
        }
        rec.stateInfo = { ...rec.stateInfo, state: (mark[2] as string).toUpperCase() };
        rec.etag = `"${(++etagCounter).toString(16).padStart(16, "0")}"`;
        marks.push({ name, state: rec.stateInfo.state as string });
      }
      return sendJson(res, 200, rec);
    }
    const m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/recommenders\/([^/]+))\/recommendations$/.exec(url.pathname);
    if (req.method !== "GET" || !m) {
      sendJson(res, 404, { error: { code: 404, message: `no route ${req.method} ${url.pathname}`, status: "NOT_FOUND" } });
      return;
    }
    if (throttle > 0) {
      throttle--;
      sendJson(res, 429, { error: { code: 429, message: "Quota exceeded for quota metric 'Read requests'.", status: "RESOURCE_EXHAUSTED" } });
      return;
    }
    const recommender = m[2] as string;
    const matching = all.filter((r) => r.name.includes(`/recommenders/${recommender}/recommendations/`));
    const size = Math.min(Number(url.searchParams.get("pageSize") ?? "50") || 50, opts.maxPage ?? 1);
    const start = Number(url.searchParams.get("pageToken") ?? "0");
    const page = matching.slice(start, start + size);
    const next = start + size < matching.length ? String(start + size) : "";
    pages.push(m[1] as string);
    sendJson(res, 200, { recommendations: page, ...(next ? { nextPageToken: next } : {}) });
  });
  return Object.assign(server, { pages, marks, records: all });
}
