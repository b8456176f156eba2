import { type Fault, type FaultPlan, noFaults } from "./faults.js";
import { answerFault, type ReplayServer, sendJson, startReplayServer } from "./http-server.js";

/**
 * A local OpenCost API: `GET /allocation` answers `body(query)` (and `GET /cloudCost`
 * `cloudCost(query)`) after checking the bearer token,
 * with faults rendered as OpenCost behind a proxy would (429 with Retry-After, 503, a truncated
 * JSON body, a hang, a reset).
 */
export async function startOpenCostServer(opts: {
  token: string;
  body: (query: URLSearchParams) => unknown;
  /** The `/cloudCost` answer; absent = 404. */
  cloudCost?: (query: URLSearchParams) => unknown;
  faults?: FaultPlan;
}): Promise<ReplayServer> {
  const plan = opts.faults ?? noFaults;
  let index = 0;
  return startReplayServer((req, res) => {
    const url = new URL(req.url, "http://local");
    if (req.headers.authorization !== `Bearer ${opts.token}`) return sendJson(res, 401, { code: 401, message: "unauthorized" });
    const cloudCost = opts.cloudCost;
    if (url.pathname !== "/allocation" && !(url.pathname === "/cloudCost" && cloudCost)) return sendJson(res, 404, { code: 404, message: "not found" });
    const fault: Fault | null = plan(index++);
    const handled = answerFault(res, fault, {
      throttle: (r) => sendJson(r, 429, { code: 429, message: "too many requests" }, { "retry-after": "0" }),
      serverError: (r) => sendJson(r, 503, { code: 503, message: "service unavailable" }),
      malformed: { contentType: "application/json", body: '{"code":200,"data":[{"kube-sys' },
      hangMs: 2_000,
    });
    if (handled) return;
    sendJson(res, 200, url.pathname === "/cloudCost" && cloudCost ? cloudCost(url.searchParams) : opts.body(url.searchParams));
  });
}
