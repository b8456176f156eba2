import { type FaultPlan, noFaults } from "./faults.js";
import { answerFault, type ReplayServer, sendJson, startReplayServer } from "./http-server.js";

/**
 * A local Vultr API v2 billing server (Vultr API reference, "Billing"): list endpoints page with
 * `per_page` (at most 500) and an opaque `cursor`, answering `meta: {total, links: {next, prev}}`;
 * rate limiting is a 429 (or a 503 under load) as Vultr documents. The data is the test's own.
 */
export interface VultrData {
  invoices: Record<string, unknown>[];
  items: Record<string, Record<string, unknown>[]>;
  history: Record<string, unknown>[];
  pending: Record<string, unknown>[];
}

const cursorOf = (offset: number) => Buffer.from(`next__${offset}`).toString("base64");
const offsetOf = (cursor: string | null) => (cursor ? Number(Buffer.from(cursor, "base64").toString().replace("next__", "")) : 0);

export async function startVultrServer(opts: { apiKey: string; data: VultrData; faults?: FaultPlan }): Promise<ReplayServer> {
  const plan = opts.faults ?? noFaults;
  let index = 0;
  return startReplayServer((req, res) => {
    const url = new URL(req.url, "http://local");
    if (req.headers.authorization !== `Bearer ${opts.apiKey}`) return sendJson(res, 401, { error: "Invalid API token.", status: 401 });
    const handled = answerFault(res, plan(index++), {
      throttle: (r) => sendJson(r, 429, { error: "Rate limit reached", status: 429 }, { "retry-after": "0" }),
      serverError: (r) => sendJson(r, 503, { error: "Service Unavailable", status: 503 }),
      malformed: { contentType: "application/json", body: '{"billing_invoices":[{"id":' },
      hangMs: 2_000,
    });
    if (handled) return;
    const page = (key: string, list: unknown[]) => {
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? "100"), 500);
      const offset = offsetOf(url.searchParams.get("cursor"));
      const next = offset + perPage < list.length ? cursorOf(offset + perPage) : "";
      sendJson(res, 200, { [key]: list.slice(offset, offset + perPage), meta: { total: list.length, links: { next, prev: offset > 0 ? cursorOf(Math.max(0, offset - perPage)) : "" } } });
    };
    const p = url.pathname;
    if (p === "/v2/billing/invoices") return page("billing_invoices", opts.data.invoices);
    if (p === "/v2/billing/history") return page("billing_history", opts.data.history);
    if (p === "/v2/billing/pending-charges") return sendJson(res, 200, { pending_charges: opts.data.pending });
    const m = /^\/v2\/billing\/invoices\/([^/]+)\/items$/.exec(p);
    if (m?.[1] && opts.data.items[m[1]]) return page("invoice_items", opts.data.items[m[1]] ?? []);
    sendJson(res, 404, { error: "Not found", status: 404 });
  });
}
