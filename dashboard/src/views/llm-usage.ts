import { html } from "htm/preact";
import { formatCount, formatMoney } from "../format.js";
import { addDays, useSession } from "../session.js";
import { useLoad } from "../use-load.js";
import { loadStatus } from "./status.js";

interface Totals {
  events: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
}

interface LlmUsage {
  currency: "USD";
  totals: Totals;
  byModel: (Totals & { value: string | null })[];
  byApp: (Totals & { value: string | null })[];
}

const DAYS = 30;

/** LLM spend priced at ingest (USD, exact), over the last 30 days to the ledger's as-of day, by model and by app. */
export function LlmUsageView() {
  const { api, asOf } = useSession();
  const start = addDays(asOf, -(DAYS - 1));
  const [load] = useLoad(() => api.call<LlmUsage>("getLlmUsage", { start, end: asOf, limit: 50 }), [asOf]);
  const table = (id: string, title: string, rows: LlmUsage["byModel"]) =>
    rows.length === 0
      ? null
      : html`<table id=${id}>
          <caption>${title}</caption>
          <thead><tr><th scope="col">${title.replace(/^By /, "")}</th><th scope="col">Requests</th><th scope="col">Input tokens</th><th scope="col">Output tokens</th><th scope="col">Cost</th></tr></thead>
          <tbody>${rows.map((r) => html`<tr><th scope="row">${r.value ?? "(untagged)"}</th><td class="num">${formatCount(r.events)}</td><td class="num">${formatCount(r.inputTokens)}</td><td class="num">${formatCount(r.outputTokens)}</td><td class="num">${formatMoney(r.costUsd)}</td></tr>`)}</tbody>
        </table>`;
  return html`
    <h1>LLM usage</h1>
    <p>${start} to ${asOf}</p>
    ${loadStatus(load, "LLM usage")}
    ${load.state === "ready"
      ? load.data.totals.events === 0
        ? html`<p id="no-llm-usage">No LLM usage recorded in these days.</p>`
        : html`<p id="llm-total">${formatCount(load.data.totals.events)} requests, <strong>${formatMoney(load.data.totals.costUsd)}</strong></p>
            ${table("llm-by-model", "By model", load.data.byModel)}
            ${table("llm-by-app", "By app", load.data.byApp)}`
      : null}`;
}
